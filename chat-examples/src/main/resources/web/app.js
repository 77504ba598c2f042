/*
 * Parley example browser client.
 *
 * One WebSocket to /chat on the page's own host, one room at a time. All text that comes from users
 * or the server is put into the page with textContent (via el()), never parsed as HTML.
 *
 * One file on purpose, longer than the team's usual bound: the example has no build step, and the
 * parts below (connection, messages, history paging, edits, read markers and receipts, typing,
 * moderation, the error banner) share one session and one set of elements inside one closure.
 */
'use strict';

(() => {
  const DEFAULT_ROOM = 'lobby';
  const BACKOFF_BASE_MS = 500;
  const BACKOFF_MAX_MS = 10000;
  // A rejoin can race the server noticing that our previous connection is gone; retry a few times.
  const MAX_REJOIN_RETRIES = 5;
  // Bounds memory and DOM size in long-running tabs.
  const MAX_RENDERED = 1000;
  const KINDS = new Set(['room', 'private', 'notice']);
  // Older history comes in pages of this many messages when the user scrolls to the top.
  const PAGE_SIZE = 50;
  const LOAD_OLDER_AT_PX = 40;
  // Typing: a started indicator is renewed this often while the user types, well within the
  // server's typingTimeout (6 s by default) after which the others stop showing it...
  const TYPING_REFRESH_MS = 3000;
  // ...never two typing frames closer than this, under the server's typingPerSecond (2 by default)...
  const TYPING_GAP_MS = 600;
  // ...and no key pressed for this long means the user stopped.
  const TYPING_IDLE_MS = 5000;
  // Shown when a typing frame does not say how long the indicator lasts: the server's default.
  const TYPING_SHOWN_MS = 6000;
  // How long an error from a request stays up, unless a later request succeeds first.
  const ERROR_SHOWN_MS = 6000;
  // Read markers go to the server at most this often.
  const READ_EVERY_MS = 500;
  // Durations a moderator can pick, in seconds (0: for good).
  const MUTE_FOR = [[60, '1 minute'], [600, '10 minutes'], [3600, '1 hour']];
  const BAN_FOR = [[3600, '1 hour'], [86400, '1 day'], [0, 'for good']];

  const CLOSE_REASONS = {
    1000: 'closed by the server',
    1001: 'the server is shutting down',
    1006: 'connection lost',
    1008: 'refused by the server',
    1009: 'a message was too big',
    1011: 'server error',
    4000: 'too slow to keep up',
    4001: 'ping timeout',
  };

  const $ = (id) => document.getElementById(id);
  const ui = {
    joinView: $('join-view'), joinForm: $('join-form'), name: $('name'), room: $('room'),
    join: $('join'), error: $('error'), errorCode: $('error-code'), errorText: $('error-text'),
    errorClose: $('error-close'), chatView: $('chat-view'), roomTitle: $('room-title'), unread: $('unread'),
    me: $('me'), status: $('status'), leave: $('leave'), messages: $('messages'),
    members: $('members'), memberCount: $('member-count'), typing: $('typing'), composer: $('composer'),
    input: $('input'), send: $('send'),
  };

  const session = {
    ws: null,
    active: false, // the user wants to be chatting; false after Leave or a close we must not retry
    joined: false, // a join has succeeded: from now on failures mean "reconnect", not "back to the form"
    state: 'idle', // mirrors #status data-state
    room: DEFAULT_ROOM,
    name: null, // the name to ask for; after a join, the name the server confirmed
    joinId: null,
    attempt: 0,
    rejoinRetries: 0,
    reconnectTimer: null,
    countdownTimer: null,
    lastError: null, // an error frame without id often explains the close that follows it
    nextId: 1,
    pending: new Map(), // request id -> text, so a rejected message can be given back to the user
    seen: new Set(), // message ids already shown
    lastRoomId: '', // newest id of this room's messages seen: a rejoin asks for everything after it
    // While a first join is in flight: messages that came before `joined` (the join hook's greeting).
    // They are shown after the history that `joined` brings, instead of being wiped by it.
    joinBuffer: null,
    members: new Set(),
    moderators: new Set(), // who GET /moderators names: only they see (and get) moderator actions
    moderations: new Map(), // request id -> what was asked, to say what was done when it is
    mutedUntil: 0, // epoch ms until which the server refuses our messages to the room; 0: not muted
    muteTimer: null,
  };

  // Older history: the request in flight, and whether the start of the kept history is on screen.
  const older = { requestId: null, exhausted: false };

  // What this user is typing, as the others were told: where ('#room', '@name' or null) and when.
  const typingOut = { target: null, startedAt: 0, frameAt: 0, inputAt: 0, timer: null };
  // Who is typing: 'r:NAME' (in the room) or 'p:NAME' (to us privately) -> the timer that expires it.
  const typingIn = new Map();

  // Read markers. Ours: the newest id we told the server we read, in the room and per whisperer,
  // and the newest we were shown. Others': each member's marker in this room. `unread` is what the
  // header counts: the join's count, then messages that arrive while we are not looking.
  // `supported`: the server keeps read markers (its `joined` counts `unread`); until one says so,
  // nothing here is sent.
  const reads = {
    supported: false, room: '', newestRoom: '', privates: new Map(), newestPrivate: new Map(),
    others: new Map(), unread: 0, timer: null,
  };

  // The error banner: whether it clears itself (an error from a request) and the timer that does it.
  const banner = { transient: false, timer: null };

  /* ---------- small DOM helpers ---------- */

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = String(text);
    return node;
  }

  const pad = (n) => String(n).padStart(2, '0');

  /* ---------- the error banner ---------- */

  // Shows an error: the server's code (if any) and message, both as text. A transient one (a
  // request that failed) clears itself after ERROR_SHOWN_MS or when a later request succeeds; a
  // lasting one (why we are back on the join form, or disconnected for good) stays until replaced.
  function showError(text, code = '', transient = false) {
    clearTimeout(banner.timer);
    ui.errorCode.textContent = code;
    ui.errorCode.hidden = !code;
    ui.errorText.textContent = text;
    ui.error.hidden = false;
    banner.transient = transient;
    banner.timer = transient ? setTimeout(clearError, ERROR_SHOWN_MS) : null;
  }

  function clearError() {
    clearTimeout(banner.timer);
    banner.timer = null;
    ui.errorCode.textContent = '';
    ui.errorText.textContent = '';
    ui.error.hidden = true;
  }

  // A request succeeded: an error left by an earlier one is out of date.
  function succeeded() {
    if (banner.transient) clearError();
  }

  const connected = () => session.state === 'connected' && session.ws && session.ws.readyState === WebSocket.OPEN;
  const muted = () => session.mutedUntil > Date.now();

  function updateComposer() {
    const mutedNow = muted();
    ui.input.disabled = mutedNow;
    ui.input.placeholder = mutedNow
      ? `You are muted here until ${clock(session.mutedUntil)}`
      : 'Message (@name to whisper)';
    ui.send.disabled = session.state !== 'connected' || mutedNow;
  }

  function setStatus(state, text) {
    session.state = state;
    ui.status.dataset.state = state;
    // The status is a live region: rewriting identical text would make screen readers repeat it.
    if (ui.status.textContent !== text) ui.status.textContent = text;
    updateComposer();
  }

  // #error is shared by both views; move it next to whatever the user is looking at.
  function showJoinView(errorText, code) {
    ui.chatView.hidden = true;
    ui.joinView.hidden = false;
    ui.joinForm.insertBefore(ui.error, ui.join);
    ui.join.disabled = false;
    ui.join.textContent = 'Join';
    if (errorText) showError(errorText, code); else clearError();
    document.title = 'Parley chat';
    ui.name.focus();
  }

  function showChatView() {
    const first = ui.chatView.hidden;
    ui.joinView.hidden = true;
    ui.chatView.hidden = false;
    ui.composer.before(ui.error);
    if (first) ui.input.focus(); // not on reconnects: that would steal focus from wherever the user is
  }

  /* ---------- rendering messages and members ---------- */

  function senderLabel(m, kind) {
    if (kind === 'notice') return '';
    if (kind !== 'private') return m.sender || '';
    const from = m.sender === session.name ? 'you' : m.sender || '?';
    const to = m.to === session.name ? 'you' : m.to || '?';
    return `${from} → ${to} (private)`;
  }

  function clock(time) {
    const d = new Date(time);
    return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }

  function timeNode(time) {
    const d = new Date(typeof time === 'number' ? time : Date.now());
    const node = el('time', 'time', clock(d.getTime()));
    node.dateTime = d.toISOString();
    node.title = d.toLocaleString();
    return node;
  }

  function messageNode(m) {
    const kind = KINDS.has(m.kind) ? m.kind : 'room';
    const li = el('li', `msg msg-${kind}`);
    if (m.id) li.dataset.id = m.id;
    li.dataset.sender = m.sender || '';
    const mine = m.sender && m.sender === session.name;
    if (mine) li.classList.add('msg-mine');
    const meta = el('div', 'meta');
    meta.append(el('span', 'sender', senderLabel(m, kind)), timeNode(m.time));
    li.append(meta, el('div', 'text'));
    // Your own messages can be edited and deleted: a room's (by room) or a whisper (by recipient).
    if (mine && m.id && (kind === 'room' || (kind === 'private' && m.to))) {
      if (kind === 'private') li.dataset.to = m.to;
      const actions = el('span', 'actions');
      actions.append(button('msg-edit', 'Edit', 'Edit your message'), button('msg-delete', 'Delete', 'Delete your message'));
      meta.append(actions);
    }
    showVersion(li, m);
    return li;
  }

  // Shows a message's current version: its text and an "edited" mark, or a tombstone.
  function showVersion(li, m) {
    li.querySelector('.edit-form')?.remove();
    const text = li.querySelector('.text');
    text.hidden = false;
    li.querySelector('.edited')?.remove();
    if (m.deleted) {
      li.classList.add('msg-deleted');
      text.textContent = 'This message was deleted.';
      li.querySelector('.actions')?.remove();
      return;
    }
    text.textContent = m.text ?? '';
    if (typeof m.edited === 'number') {
      const mark = el('span', 'edited', '(edited)');
      mark.title = `edited ${new Date(m.edited).toLocaleString()}`;
      li.querySelector('.meta .time').after(mark);
    }
  }

  function isNearBottom() {
    const list = ui.messages;
    return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  }

  function scrollToEnd() {
    ui.messages.scrollTop = ui.messages.scrollHeight;
  }

  // Only while the user follows the end: someone reading older messages keeps them. What is dropped
  // can be brought back by scrolling to the top again.
  function trimList() {
    while (ui.messages.childElementCount > MAX_RENDERED) {
      const first = ui.messages.firstElementChild;
      if (first.dataset.id) session.seen.delete(first.dataset.id); // keeps `seen` as small as the list
      first.remove();
      older.exhausted = false;
    }
  }

  // The oldest message shown: history pages are asked for before it.
  function oldestShownId() {
    const li = ui.messages.querySelector('li[data-id]');
    return li ? li.dataset.id : null;
  }

  // The first shown message newer than `id`, looking back from the end (history is usually newest).
  // Ids sort as strings in the order the server made them.
  function firstShownAfter(id) {
    let later = null;
    for (let li = ui.messages.lastElementChild; li; li = li.previousElementSibling) {
      const shown = li.dataset.id;
      if (!shown) continue; // local notices and the divider stay where they are
      if (shown > id) later = li;
      else break;
    }
    return later;
  }

  // Follow new messages only if the user has not scrolled up to read older ones (or it is their own).
  // A history message goes in id order, so one missed while away can land before newer ones on screen.
  function addToList(node, forceScroll, inOrder) {
    const follow = forceScroll || isNearBottom();
    const later = inOrder && node.dataset.id ? firstShownAfter(node.dataset.id) : null;
    if (later) later.before(node); else ui.messages.append(node);
    if (follow) {
      trimList();
      scrollToEnd();
    }
  }

  function addMessage(m, history = false) {
    if (!m || typeof m !== 'object') return;
    // Room traffic and notices for another room can only be leftovers; private messages show anywhere.
    if (m.kind !== 'private' && m.room && m.room !== session.room) return;
    if (session.joinBuffer && !history) {
      session.joinBuffer.push(m);
      return;
    }
    // A private message to yourself arrives both as a message and as the ack.
    if (m.id && m.kind !== 'private') noteRoomId(m);
    if (m.id) {
      if (session.seen.has(m.id)) {
        if (m.revision) changeShown(m); // a recovered message changed while we were away
        return;
      }
      // Older than anything shown (a rejoin's recent history, or trimmed away): scrolling up brings it.
      const oldest = history && oldestShownId();
      if (oldest && m.id < oldest) return;
      session.seen.add(m.id);
    }
    if (!history && m.sender) forgetTyping(`${m.kind === 'private' ? 'p' : 'r'}:${m.sender}`);
    const node = messageNode(m);
    if (history) node.classList.add('msg-history');
    addToList(node, !history && m.sender != null && m.sender === session.name, history);
    if (m.id) noteUnread(m, history);
  }

  // Recovery after a reconnect starts after the greatest id or revision (an edit's or a deletion's
  // place in the room's order) seen.
  function noteRoomId(m) {
    if (m.id > session.lastRoomId) session.lastRoomId = m.id;
    if (typeof m.revision === 'string' && m.revision > session.lastRoomId) session.lastRoomId = m.revision;
  }

  function shownNode(id) {
    return ui.messages.querySelector(`li.msg[data-id="${CSS.escape(id)}"]`);
  }

  // An edit or a deletion of a message that may be on screen.
  function changeShown(m) {
    if (!m || typeof m !== 'object' || typeof m.id !== 'string') return;
    if (m.kind !== 'private') {
      if (m.room && m.room !== session.room) return;
      noteRoomId(m);
    }
    const li = shownNode(m.id);
    // Only the message with that id from that sender: a private change names its own.
    if (li && li.dataset.sender === (m.sender || '')) showVersion(li, m);
  }

  /* ---------- read markers, unread counts and receipts ---------- */

  const looking = () => document.visibilityState === 'visible' && isNearBottom();

  // A message we were shown: it is read once we look at the end of the list; until then, one of
  // someone else's counts as unread.
  function noteUnread(m, history) {
    const fromOther = m.sender && m.sender !== session.name;
    if (m.kind === 'private') {
      if (fromOther && m.id > (reads.newestPrivate.get(m.sender) || '')) reads.newestPrivate.set(m.sender, m.id);
    } else if (m.id > reads.newestRoom) {
      reads.newestRoom = m.id;
    }
    if (!history && fromOther && m.kind === 'room' && reads.supported && !looking()) reads.unread++;
    showUnread();
    scheduleRead();
  }

  function showUnread() {
    const n = reads.unread;
    ui.unread.textContent = n ? `${n} unread` : '';
    ui.unread.hidden = !n;
    document.title = `${n ? `(${n}) ` : ''}${session.room} · Parley`;
  }

  // Moves our markers forward, at most once per READ_EVERY_MS, while we look at the end of the list.
  function scheduleRead() {
    if (reads.timer || !connected() || !reads.supported) return;
    reads.timer = setTimeout(() => {
      reads.timer = null;
      if (!connected() || !looking()) return;
      if (reads.newestRoom > reads.room) {
        send({ type: 'read', room: session.room, through: reads.newestRoom }, 'r');
        reads.room = reads.newestRoom;
      }
      for (const [from, newest] of reads.newestPrivate) {
        if (newest > (reads.privates.get(from) || '')) {
          send({ type: 'read', from, through: newest }, 'r');
          reads.privates.set(from, newest);
        }
      }
      reads.unread = 0;
      showUnread();
    }, READ_EVERY_MS);
  }

  // "Seen by": under the newest shown message each other member has read.
  function showReaders() {
    ui.messages.querySelectorAll('.seen-by').forEach((n) => n.remove());
    const at = new Map();
    const shown = [...ui.messages.querySelectorAll('li.msg[data-id]')].filter((li) => !li.classList.contains('msg-private'));
    for (const [user, through] of reads.others) {
      if (user === session.name || !session.members.has(user)) continue;
      let last = null;
      for (const li of shown) if (li.dataset.id <= through) last = li;
      if (last) at.set(last, [...(at.get(last) || []), user]);
    }
    for (const [li, users] of at) li.append(el('div', 'seen-by', `Seen by ${users.sort((a, b) => a.localeCompare(b)).join(', ')}`));
  }

  // A whisper of ours: sent (acknowledged), delivered (handed to a connection of the recipient's),
  // read (the recipient's marker passed it).
  function setReceipt(li, state) {
    const order = ['sent', 'delivered', 'read'];
    if (order.indexOf(state) <= order.indexOf(li.dataset.receipt || '')) return;
    li.dataset.receipt = state;
    let mark = li.querySelector('.receipt');
    if (!mark) {
      mark = el('span', 'receipt');
      li.querySelector('.meta').append(mark);
    }
    mark.textContent = state;
  }

  function addLocalNotice(text) {
    addMessage({ kind: 'notice', room: session.room, time: Date.now(), text });
  }

  // A first join starts from the room's history. A rejoin after a reconnect keeps what is on screen
  // and adds only what it has not shown (by id): after a server restart the history may be empty, or
  // it may hold messages sent while we were away.
  function showHistory(history, rejoin) {
    ui.messages.setAttribute('aria-busy', 'true');
    if (rejoin) {
      history.forEach((m) => addMessage(m, true));
    } else {
      ui.messages.replaceChildren();
      session.seen.clear();
      session.lastRoomId = '';
      history.forEach((m) => addMessage(m, true));
      if (history.length) ui.messages.append(el('li', 'history-divider', 'earlier messages ↑'));
    }
    ui.messages.setAttribute('aria-busy', 'false');
  }

  /* ---------- older history, on scrolling to the top ---------- */

  // The first item of the list says where the history stands: loading, or its start.
  function setTopMarker(kind, text) {
    const first = ui.messages.firstElementChild;
    if (first && first.classList.contains('history-top')) first.remove();
    if (kind) ui.messages.prepend(el('li', `history-top history-${kind}`, text));
  }

  function maybeLoadOlder() {
    if (older.requestId || older.exhausted || !connected() || session.joinBuffer) return;
    if (ui.messages.scrollTop > LOAD_OLDER_AT_PX) return;
    const before = oldestShownId();
    if (!before) {
      older.exhausted = true; // nothing kept is shown, so nothing kept is older
      return;
    }
    older.requestId = send({ type: 'history', room: session.room, before, limit: PAGE_SIZE });
    setTopMarker('loading', 'Loading earlier messages…');
  }

  // Puts a page of older messages above what is shown, keeping in view what the user was reading.
  function showOlder(page) {
    const list = ui.messages;
    const fromBottom = list.scrollHeight - list.scrollTop;
    setTopMarker(null);
    const nodes = [];
    for (const m of page) {
      if (!m || typeof m !== 'object' || !m.id || session.seen.has(m.id)) continue;
      session.seen.add(m.id);
      const node = messageNode(m);
      node.classList.add('msg-history');
      nodes.push(node);
    }
    list.prepend(...nodes);
    if (older.exhausted) setTopMarker('start', 'This is the start of the conversation.');
    list.scrollTop = list.scrollHeight - fromBottom;
  }

  function button(className, text, label) {
    const b = el('button', className, text);
    b.type = 'button';
    if (label) b.setAttribute('aria-label', label);
    return b;
  }

  function durationSelect(className, choices, label) {
    const select = el('select', className);
    select.setAttribute('aria-label', label);
    for (const [seconds, text] of choices) {
      const option = el('option', null, text);
      option.value = String(seconds);
      select.append(option);
    }
    return select;
  }

  // What a moderator can do to one member. The server's moderation hook still decides: these are
  // only shown to the users GET /moderators names, and a request from anyone else is refused.
  function moderationPanel(name) {
    const details = el('details', 'moderate');
    details.dataset.name = name;
    const summary = el('summary', null, 'Moderate');
    summary.setAttribute('aria-label', `Moderate ${name}`);
    const panel = el('div', 'mod-panel');
    panel.setAttribute('role', 'group');
    panel.setAttribute('aria-label', `Moderate ${name}`);
    const reason = el('input', 'mod-reason');
    reason.type = 'text';
    reason.placeholder = 'Reason (optional)';
    reason.setAttribute('aria-label', `Reason, shown to ${name}`);
    const kick = button('mod-kick', 'Kick', `Kick ${name} out of the room`);
    kick.dataset.action = 'kick';
    const mute = button('mod-mute', 'Mute', `Mute ${name}`);
    mute.dataset.action = 'mute';
    const unmute = button('mod-unmute secondary', 'Unmute', `Unmute ${name}`);
    unmute.dataset.action = 'unmute';
    const ban = button('mod-ban', 'Ban', `Ban ${name} from the room`);
    ban.dataset.action = 'ban';
    const muteRow = el('div', 'mod-row');
    muteRow.append(durationSelect('mod-mute-for', MUTE_FOR, `Mute ${name} for`), mute, unmute);
    const banRow = el('div', 'mod-row');
    banRow.append(durationSelect('mod-ban-for', BAN_FOR, `Ban ${name} for`), ban);
    panel.append(reason, kick, muteRow, banRow);
    details.append(summary, panel);
    return details;
  }

  function renderMembers() {
    const names = [...session.members].sort((a, b) => a.localeCompare(b));
    const amModerator = session.moderators.has(session.name);
    // A re-render must not close the panel a moderator is using.
    const open = ui.members.querySelector('details.moderate[open]')?.dataset.name;
    ui.members.replaceChildren(...names.map((name) => {
      const li = el('li');
      li.dataset.name = name;
      if (name === session.name) {
        li.className = 'me';
        li.append(el('span', 'member-name', name));
      } else {
        // A button per member makes "whisper to" one click (or one key press) away.
        const whisper = button('member', name);
        whisper.dataset.name = name;
        whisper.title = `Send a private message to ${name}`;
        li.append(whisper);
      }
      if (session.moderators.has(name)) {
        const badge = el('span', 'badge', 'mod');
        badge.title = 'moderator';
        li.append(badge);
      }
      if (amModerator && name !== session.name) {
        const panel = moderationPanel(name);
        panel.open = name === open;
        li.append(panel);
      }
      return li;
    }));
    ui.memberCount.textContent = `(${names.length})`;
  }

  // The example server lists its moderators at GET /moderators; any other answer means none.
  async function loadModerators() {
    let names = [];
    try {
      const response = await fetch('moderators', { cache: 'no-store' });
      const body = response.ok ? await response.json() : null;
      if (body && Array.isArray(body.moderators)) names = body.moderators.filter((n) => typeof n === 'string');
    } catch {
      // no list: nobody is shown as a moderator
    }
    session.moderators = new Set(names);
    renderMembers();
  }

  function setMembers(list) {
    session.members = new Set(Array.isArray(list) ? list : []);
    renderMembers();
  }

  /* ---------- protocol ---------- */

  // `prefix` marks requests whose errors are not shown (typing: 't').
  function send(frame, prefix = '') {
    const id = `${prefix}${session.nextId++}`;
    session.ws.send(JSON.stringify({ ...frame, id }));
    return id;
  }

  /* ---------- typing ---------- */

  // Where the text in the composer goes: '#room', '@name' for a whisper, or null (nothing typed, a
  // /command, a whisper whose name is not finished, or no key pressed for TYPING_IDLE_MS).
  function typingTarget(now) {
    const text = ui.input.value;
    if (!text.trim() || text.startsWith('/') || now - typingOut.inputAt >= TYPING_IDLE_MS) return null;
    if (!text.startsWith('@')) return '#room';
    const whisper = /^@([^\s]+)\s/u.exec(text);
    return whisper ? `@${whisper[1]}` : null;
  }

  function typingFrame(target, typing) {
    const frame = { type: 'typing', typing };
    if (target.startsWith('@')) frame.to = target.slice(1); else frame.room = session.room;
    send(frame, 't');
    typingOut.frameAt = Date.now();
  }

  // Brings what the others were told in line with the composer: starts, renews or stops the
  // indicator (stopping an old one before starting a new one), never two frames within TYPING_GAP_MS.
  function syncTyping() {
    clearTimeout(typingOut.timer);
    typingOut.timer = null;
    if (!connected()) {
      typingOut.target = null;
      return;
    }
    const now = Date.now();
    const want = typingTarget(now);
    const renew = typingOut.target !== null && now - typingOut.startedAt >= TYPING_REFRESH_MS;
    if (typingOut.target !== want || renew) {
      const wait = typingOut.frameAt + TYPING_GAP_MS - now;
      if (wait > 0) {
        typingOut.timer = setTimeout(syncTyping, wait);
        return;
      }
      if (typingOut.target !== null && typingOut.target !== want) {
        typingFrame(typingOut.target, false);
        typingOut.target = null;
      } else {
        typingFrame(want, true);
        typingOut.target = want;
        typingOut.startedAt = now;
      }
      if (typingOut.target !== want) {
        typingOut.timer = setTimeout(syncTyping, TYPING_GAP_MS);
        return;
      }
    }
    if (typingOut.target !== null) {
      const next = Math.min(typingOut.startedAt + TYPING_REFRESH_MS, typingOut.inputAt + TYPING_IDLE_MS) - now;
      typingOut.timer = setTimeout(syncTyping, Math.max(next, 50));
    }
  }

  // The server stops the indicator itself on a message, a leave or a disconnect.
  function typingStoppedByServer() {
    clearTimeout(typingOut.timer);
    typingOut.timer = null;
    typingOut.target = null;
  }

  function renderTyping() {
    const inRoom = [];
    const toMe = [];
    for (const [key, who] of typingIn) (key.startsWith('r:') ? inRoom : toMe).push(who.user);
    inRoom.sort((a, b) => a.localeCompare(b));
    const parts = [];
    if (inRoom.length === 1) parts.push(`${inRoom[0]} is typing…`);
    else if (inRoom.length === 2) parts.push(`${inRoom[0]} and ${inRoom[1]} are typing…`);
    else if (inRoom.length === 3) parts.push(`${inRoom[0]}, ${inRoom[1]} and ${inRoom[2]} are typing…`);
    else if (inRoom.length > 3) parts.push(`${inRoom[0]}, ${inRoom[1]} and ${inRoom.length - 2} others are typing…`);
    for (const user of toMe.sort((a, b) => a.localeCompare(b))) parts.push(`${user} is typing to you…`);
    const text = parts.join(' · ');
    // A live region: rewriting identical text would make screen readers repeat it.
    if (ui.typing.textContent !== text) ui.typing.textContent = text;
  }

  function forgetTyping(key) {
    const who = typingIn.get(key);
    if (!who) return;
    clearTimeout(who.timer);
    typingIn.delete(key);
    renderTyping();
  }

  function forgetAllTyping() {
    typingIn.forEach((who) => clearTimeout(who.timer));
    typingIn.clear();
    renderTyping();
  }

  /* ---------- moderation ---------- */

  /* ---------- editing and deleting your own messages ---------- */

  // Where an edit or a deletion of this message goes: its room, or the recipient of a whisper.
  function target(li) {
    return li.dataset.to ? { to: li.dataset.to } : { room: session.room };
  }

  function startEdit(li) {
    if (li.querySelector('.edit-form')) return;
    const text = li.querySelector('.text');
    const form = el('form', 'edit-form');
    const input = el('input', 'edit-input');
    input.type = 'text';
    input.value = text.textContent;
    input.setAttribute('aria-label', 'Edit your message');
    const save = el('button', 'edit-save', 'Save');
    save.type = 'submit';
    const cancel = button('edit-cancel secondary', 'Cancel');
    form.append(input, save, cancel);
    text.hidden = true;
    text.after(form);
    input.focus();
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const changed = input.value;
      if (!changed.trim() || !connected()) return;
      if (changed !== text.textContent) send({ type: 'edit', ...target(li), message: li.dataset.id, text: changed });
      endEdit(li);
    });
    cancel.addEventListener('click', () => endEdit(li));
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') endEdit(li);
    });
  }

  // The text stays as it was until the server sends the edited version.
  function endEdit(li) {
    li.querySelector('.edit-form')?.remove();
    li.querySelector('.text').hidden = false;
  }

  // Delete asks once more: the first press turns the button into "Delete?" for a few seconds.
  function askDelete(li, deleteButton) {
    if (!deleteButton.classList.contains('confirming')) {
      deleteButton.classList.add('confirming');
      deleteButton.textContent = 'Delete?';
      deleteButton.setAttribute('aria-label', 'Press again to delete your message');
      setTimeout(() => {
        deleteButton.classList.remove('confirming');
        deleteButton.textContent = 'Delete';
        deleteButton.setAttribute('aria-label', 'Delete your message');
      }, 4000);
      return;
    }
    if (connected()) send({ type: 'delete', ...target(li), message: li.dataset.id });
  }

  function onMessagesClick(event) {
    const li = event.target.closest('li.msg');
    if (!li || !li.classList.contains('msg-mine')) return;
    if (event.target.closest('button.msg-edit')) startEdit(li);
    const deleteButton = event.target.closest('button.msg-delete');
    if (deleteButton) askDelete(li, deleteButton);
  }

  const forHowLong = (seconds) => (seconds ? (MUTE_FOR.concat(BAN_FOR).find(([s]) => s === seconds)?.[1]
    ?? `${seconds} seconds`) : 'good');

  function moderate(user, action, panel) {
    const frame = { type: 'moderate', room: session.room, user, action };
    let seconds = 0;
    if (action === 'mute') seconds = Number(panel.querySelector('.mod-mute-for').value);
    if (action === 'ban') seconds = Number(panel.querySelector('.mod-ban-for').value);
    if (seconds > 0) frame.duration = seconds;
    const reason = panel.querySelector('.mod-reason').value.trim();
    if (reason && (action === 'kick' || action === 'mute' || action === 'ban')) frame.reason = reason;
    session.moderations.set(send(frame), { action, user, seconds });
  }

  function doneText(asked) {
    switch (asked.action) {
      case 'kick': return `You removed ${asked.user} from ${session.room}.`;
      case 'mute': return `You muted ${asked.user} for ${forHowLong(asked.seconds)}.`;
      case 'unmute': return `You unmuted ${asked.user}.`;
      case 'ban': return `You banned ${asked.user} from ${session.room} for ${forHowLong(asked.seconds)}.`;
      default: return `Done: ${asked.action} ${asked.user}.`;
    }
  }

  function setMuted(until) {
    clearTimeout(session.muteTimer);
    session.muteTimer = null;
    session.mutedUntil = until;
    if (until > Date.now()) {
      session.muteTimer = setTimeout(() => {
        setMuted(0);
        addLocalNotice(`Your mute in ${session.room} has ended.`);
      }, until - Date.now());
    }
    updateComposer();
  }

  const handlers = {
    welcome(f) {
      // A server-assigned identity wins; naming another user would fail with USERNAME_MISMATCH.
      const frame = { type: 'join', room: session.room };
      if (!f.user && session.name) frame.username = session.name;
      if (session.joined && session.lastRoomId) frame.since = session.lastRoomId;
      session.joinId = send(frame);
      // A rejoin keeps the screen, so what arrives before `joined` can be shown right away.
      session.joinBuffer = session.joined ? null : [];
      setStatus('connecting', session.joined ? 'rejoining…' : 'joining…');
    },

    joined(f) {
      if (f.id !== session.joinId) return; // a join we did not ask for; this client shows one room
      const rejoin = session.joined && f.room === session.room;
      const early = session.joinBuffer || [];
      session.joinBuffer = null;
      const follow = !rejoin || isNearBottom();
      session.name = f.user;
      session.room = f.room;
      session.joined = true;
      session.attempt = 0;
      session.rejoinRetries = 0;
      ui.roomTitle.textContent = f.room;
      ui.me.textContent = f.user;
      setMembers(f.members);
      loadModerators();
      showChatView(); // first, so the list has a size to scroll in
      const history = Array.isArray(f.history) ? f.history : [];
      older.requestId = null; // a request on the old connection has no answer coming
      if (!rejoin) older.exhausted = history.length === 0;
      showHistory(history, rejoin);
      setTopMarker(older.exhausted ? 'start' : null, 'This is the start of the conversation.');
      // The server keeps our read marker and counts what is unread after it, across reconnects.
      reads.supported = typeof f.unread === 'number';
      if (!rejoin) {
        reads.room = typeof f.lastRead === 'string' ? f.lastRead : '';
        reads.others.clear();
        const firstUnread = reads.room && [...ui.messages.querySelectorAll('li.msg[data-id]')]
          .find((li) => li.dataset.id > reads.room && !li.classList.contains('msg-mine'));
        if (firstUnread && f.unread > 0) {
          firstUnread.before(el('li', 'unread-divider', `${f.unread} new message${f.unread === 1 ? '' : 's'}`));
        }
      }
      reads.unread = Number.isInteger(f.unread) && f.unread > 0 ? f.unread : 0;
      showUnread();
      // Without recovery the server sent only its recent history: what fell between is not shown.
      if (rejoin && !f.recovered) addLocalNotice('Some messages sent while you were away may be missing.');
      early.forEach((m) => addMessage(m));
      if (follow) scrollToEnd();
      setStatus('connected', 'connected');
      succeeded();
      maybeLoadOlder(); // a list too short to scroll starts at its top
      scheduleRead();
    },

    history(f) {
      if (!f.id || f.id !== older.requestId) return;
      older.requestId = null;
      const page = Array.isArray(f.messages) ? f.messages : [];
      // A short page means nothing older is kept (docs/protocol.md, history).
      older.exhausted = page.length < PAGE_SIZE;
      showOlder(page);
      succeeded();
      maybeLoadOlder(); // still at the top: keep going
    },

    typing(f) {
      if (typeof f.user !== 'string' || f.user === session.name) return;
      const inRoom = typeof f.room === 'string';
      if (inRoom ? f.room !== session.room : f.to !== session.name) return;
      const key = `${inRoom ? 'r' : 'p'}:${f.user}`;
      const was = typingIn.get(key);
      if (was) clearTimeout(was.timer);
      if (f.state === 'started') {
        const ms = Number.isFinite(f.expiresIn) && f.expiresIn > 0 ? f.expiresIn : TYPING_SHOWN_MS;
        typingIn.set(key, { user: f.user, timer: setTimeout(() => forgetTyping(key), ms) });
        renderTyping();
      } else {
        forgetTyping(key);
      }
    },

    moderated(f) {
      const asked = session.moderations.get(f.id);
      session.moderations.delete(f.id);
      succeeded();
      if (asked) addLocalNotice(doneText(asked));
    },

    kicked(f) {
      if (f.room !== session.room) return;
      let text;
      if (!f.banned) text = `You were removed from ${f.room} by a moderator`;
      else if (typeof f.until === 'number') text = `You are banned from ${f.room} until ${new Date(f.until).toLocaleString()}`;
      else text = `You are banned from ${f.room} for good`;
      text += f.reason ? `: ${f.reason}` : '.';
      // Still connected, but in no room: this client shows one room, so it goes back to the form.
      endSession();
      session.joined = false;
      setStatus('idle', 'not connected');
      showJoinView(text);
    },

    muted(f) {
      if (f.room !== session.room) return;
      if (typeof f.until === 'number') {
        setMuted(f.until);
        addLocalNotice(`A moderator muted you in ${f.room} until ${clock(f.until)}${f.reason ? `: ${f.reason}` : '.'}`);
      } else {
        setMuted(0);
        addLocalNotice(`A moderator lifted your mute in ${f.room}.`);
      }
    },

    left(f) {
      // Our own leave closes the socket right away, so a "left" we see was done to us by the server.
      if (f.room === session.room && !f.id) addLocalNotice(`You were removed from ${f.room}.`);
    },

    message(f) {
      addMessage(f.message);
    },

    edited(f) {
      changeShown(f.message);
    },

    deleted(f) {
      changeShown(f.message);
    },

    ack(f) {
      session.pending.delete(f.id);
      succeeded();
      if (f.message) {
        addMessage(f.message);
        const li = f.message.kind === 'private' && f.message.id && shownNode(f.message.id);
        if (li && li.classList.contains('msg-mine')) setReceipt(li, 'sent');
      }
    },

    delivered(f) {
      const li = typeof f.messageId === 'string' && shownNode(f.messageId);
      if (li && li.classList.contains('msg-mine')) setReceipt(li, 'delivered');
    },

    read(f) {
      if (typeof f.user !== 'string' || typeof f.through !== 'string') return;
      if (typeof f.room === 'string') {
        if (f.room !== session.room) return;
        if (f.user === session.name) {
          // Read on another tab of ours: nothing here is unread any more up to there.
          if (f.through > reads.room) reads.room = f.through;
          if (f.through >= reads.newestRoom) reads.unread = 0;
          showUnread();
          return;
        }
        if (f.through > (reads.others.get(f.user) || '')) reads.others.set(f.user, f.through);
        showReaders();
        return;
      }
      // A whisper conversation: the recipient read ours up to `through`.
      if (f.user === session.name || f.to !== session.name) return;
      ui.messages.querySelectorAll('li.msg-private.msg-mine[data-id]').forEach((li) => {
        if (li.dataset.to === f.user && li.dataset.id <= f.through) setReceipt(li, 'read');
      });
    },

    presence(f) {
      if (f.room !== session.room || !f.user) return;
      if (f.state === 'joined') session.members.add(f.user);
      else if (f.state === 'left') {
        session.members.delete(f.user);
        forgetTyping(`r:${f.user}`);
      }
      renderMembers();
      showReaders();
    },

    members(f) {
      if (f.room === session.room) setMembers(f.members);
    },

    cleared(f) {
      if (f.room !== session.room) return;
      ui.messages.replaceChildren();
      session.seen.clear();
      session.lastRoomId = '';
      older.exhausted = true;
      addLocalNotice(f.by ? `History was cleared by ${f.by}.` : 'History was cleared.');
    },

    error(f) {
      const code = typeof f.code === 'string' ? f.code : '';
      const text = typeof f.message === 'string' && f.message ? f.message : 'Something went wrong.';
      // Typing ('t') and read markers ('r') are best effort: nothing to show the user.
      if (typeof f.id === 'string' && (f.id.startsWith('t') || f.id.startsWith('r'))) return;
      if (f.id && f.id === session.joinId) return joinFailed(text, code);
      if (!f.id) session.lastError = text;
      if (f.id && f.id === older.requestId) {
        older.requestId = null;
        setTopMarker(null);
      }
      session.moderations.delete(f.id);
      const draft = f.id && session.pending.get(f.id);
      if (draft) {
        session.pending.delete(f.id);
        if (!ui.input.value) ui.input.value = draft; // give the rejected text back for editing
      }
      showError(text, code, true);
    },
  };

  function onFrame(raw) {
    let frame;
    try {
      frame = JSON.parse(raw);
    } catch {
      return; // not our protocol; nothing useful to show
    }
    // hasOwnProperty: a type like "constructor" must not reach Object.prototype.
    if (frame && Object.prototype.hasOwnProperty.call(handlers, frame.type)) handlers[frame.type](frame);
  }

  /* ---------- connection lifecycle ---------- */

  function clearTimers() {
    clearTimeout(session.reconnectTimer);
    clearInterval(session.countdownTimer);
    session.reconnectTimer = session.countdownTimer = null;
  }

  // Forget the socket before closing it, so its close event is not mistaken for a failure.
  function dropSocket() {
    const ws = session.ws;
    session.ws = null;
    if (ws) ws.close(1000);
  }

  function endSession() {
    session.active = false;
    clearTimers();
    dropSocket();
    session.pending.clear();
    session.moderations.clear();
    session.joinBuffer = null;
    clearTimeout(reads.timer);
    reads.timer = null;
    typingStoppedByServer();
    forgetAllTyping();
    setMuted(0);
  }

  function connect() {
    clearTimers();
    session.lastError = null;
    setStatus('connecting', session.joined ? 'reconnecting…' : 'connecting…');
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    let ws;
    try {
      ws = new WebSocket(`${scheme}//${location.host}/chat`);
    } catch (e) {
      fail(`cannot open a WebSocket (${e.message})`);
      return;
    }
    session.ws = ws;
    ws.onmessage = (ev) => {
      if (ws === session.ws) onFrame(ev.data);
    };
    ws.onclose = (ev) => onClose(ws, ev);
  }

  // While away, nobody's indicator can be trusted to stop: the server forgets ours, we forget theirs.
  function lostConnection() {
    typingStoppedByServer();
    forgetAllTyping();
    older.requestId = null;
  }

  // 1008 (policy) and 4500-4999 (disconnected by the server) mean "do not come back".
  const isFinal = (code) => code === 1008 || (code >= 4500 && code <= 4999);

  function onClose(ws, ev) {
    if (ws !== session.ws) return;
    session.ws = null;
    lostConnection();
    if (!session.active) return;
    if (session.pending.size) {
      showError(`${session.pending.size} message(s) may not have been delivered.`);
      session.pending.clear();
    }
    let reason = ev.reason || session.lastError || CLOSE_REASONS[ev.code] || `closed (code ${ev.code})`;
    if (!session.joined && ev.code === 1006 && !session.lastError) reason = 'Could not connect to the chat server.';
    // Before the first successful join there is nothing to get back to: report on the join form.
    if (isFinal(ev.code) || !session.joined) fail(reason);
    else scheduleReconnect(reason);
  }

  function fail(reason) {
    const wasJoined = session.joined;
    endSession();
    if (!wasJoined) {
      setStatus('idle', 'not connected');
      showJoinView(reason);
      return;
    }
    // Stay on the chat view so the conversation can still be read; Leave returns to the form.
    setStatus('disconnected', `disconnected: ${reason}`);
    showError(reason); // lasting: the status says the same until Leave
  }

  function scheduleReconnect(reason) {
    clearTimers();
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(session.attempt++, 10));
    // Jitter spreads out clients that all lost the same server, so they do not return in one burst.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    const due = Date.now() + delay;
    const tick = () => {
      const seconds = Math.max(1, Math.ceil((due - Date.now()) / 1000));
      setStatus('reconnecting', `reconnecting in ${seconds} s… (${reason})`);
    };
    tick();
    session.countdownTimer = setInterval(tick, 250);
    session.reconnectTimer = setTimeout(connect, delay);
  }

  function joinFailed(text, code) {
    // Our previous connection may still hold the name until the server notices it has gone.
    if (session.joined && code === 'USERNAME_TAKEN' && session.rejoinRetries++ < MAX_REJOIN_RETRIES) {
      dropSocket();
      scheduleReconnect('name still held by the old connection');
      return;
    }
    endSession();
    session.joined = false;
    setStatus('idle', 'not connected');
    showJoinView(text, code);
  }

  /* ---------- user actions ---------- */

  function onJoinSubmit(event) {
    event.preventDefault();
    if (session.active) return; // a join is already under way
    clearError();
    session.room = ui.room.value.trim() || DEFAULT_ROOM;
    session.name = ui.name.value.trim() || null; // null: the server generates a readable name
    session.joined = false;
    session.attempt = 0;
    session.rejoinRetries = 0;
    session.members = new Set();
    Object.assign(reads, { room: '', newestRoom: '', privates: new Map(), newestPrivate: new Map(), others: new Map(), unread: 0 });
    session.active = true;
    ui.join.disabled = true;
    ui.join.textContent = 'Joining…';
    connect();
  }

  function onSendSubmit(event) {
    event.preventDefault();
    const text = ui.input.value;
    if (!text.trim()) return;
    if (!connected()) {
      showError('Not connected: your message was not sent.', '', true);
      return;
    }
    // "@name text" goes out as a normal message: the server routes it privately, and stops the
    // typing indicator it had announced.
    const id = send({ type: 'message', room: session.room, text });
    session.pending.set(id, text);
    ui.input.value = '';
    typingStoppedByServer();
  }

  function leave() {
    if (session.state === 'connected' && session.ws && session.ws.readyState === WebSocket.OPEN) {
      send({ type: 'leave', room: session.room });
    }
    endSession();
    session.joined = false;
    setStatus('idle', 'not connected');
    showJoinView();
  }

  function onMemberClick(event) {
    const action = event.target.closest('button[data-action]');
    if (action) {
      const panel = action.closest('details.moderate');
      if (panel && connected()) moderate(panel.dataset.name, action.dataset.action, panel);
      return;
    }
    const whisper = event.target.closest('button.member');
    if (!whisper) return;
    ui.input.value = `@${whisper.dataset.name} `;
    ui.input.focus();
  }

  function onInput() {
    typingOut.inputAt = Date.now();
    syncTyping();
  }

  function init() {
    // ?room=...&name=... make a shareable link; values only ever go into input values.
    const params = new URLSearchParams(location.search);
    if (params.get('room')) ui.room.value = params.get('room');
    if (params.get('name')) ui.name.value = params.get('name');

    ui.joinForm.addEventListener('submit', onJoinSubmit);
    ui.composer.addEventListener('submit', onSendSubmit);
    ui.leave.addEventListener('click', leave);
    ui.members.addEventListener('click', onMemberClick);
    ui.messages.addEventListener('click', onMessagesClick);
    ui.input.addEventListener('input', onInput);
    ui.messages.addEventListener('scroll', () => {
      maybeLoadOlder();
      if (isNearBottom()) scheduleRead();
    }, { passive: true });
    document.addEventListener('visibilitychange', scheduleRead);
    ui.errorClose.addEventListener('click', clearError);
    // Coming back online is a better moment to retry than whatever the backoff timer says.
    window.addEventListener('online', () => {
      if (session.reconnectTimer) connect();
    });
    setStatus('idle', 'not connected');
    showJoinView();
  }

  init();
})();
