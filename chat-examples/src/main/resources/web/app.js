/*
 * Parley example browser client.
 *
 * One WebSocket to /chat on the page's own host, one room at a time. All text that comes from users
 * or the server is put into the page with textContent (via el()), never parsed as HTML.
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
    join: $('join'), error: $('error'), chatView: $('chat-view'), roomTitle: $('room-title'),
    me: $('me'), status: $('status'), leave: $('leave'), messages: $('messages'),
    members: $('members'), memberCount: $('member-count'), composer: $('composer'),
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
    trimmedUpTo: '', // highest id dropped from the top of the list; older history is not brought back
    lastRoomId: '', // newest id of this room's messages seen: a rejoin asks for everything after it
    // While a first join is in flight: messages that came before `joined` (the join hook's greeting).
    // They are shown after the history that `joined` brings, instead of being wiped by it.
    joinBuffer: null,
    members: new Set(),
  };

  /* ---------- small DOM helpers ---------- */

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = String(text);
    return node;
  }

  const pad = (n) => String(n).padStart(2, '0');

  function showError(text) {
    ui.error.textContent = text;
    ui.error.hidden = false;
  }

  function clearError() {
    ui.error.textContent = '';
    ui.error.hidden = true;
  }

  function setStatus(state, text) {
    session.state = state;
    ui.status.dataset.state = state;
    // The status is a live region: rewriting identical text would make screen readers repeat it.
    if (ui.status.textContent !== text) ui.status.textContent = text;
    ui.send.disabled = state !== 'connected';
  }

  // #error is shared by both views; move it next to whatever the user is looking at.
  function showJoinView(errorText) {
    ui.chatView.hidden = true;
    ui.joinView.hidden = false;
    ui.joinForm.insertBefore(ui.error, ui.join);
    ui.join.disabled = false;
    ui.join.textContent = 'Join';
    if (errorText) showError(errorText); else clearError();
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

  function timeNode(time) {
    const d = new Date(typeof time === 'number' ? time : Date.now());
    const node = el('time', 'time', `${pad(d.getHours())}:${pad(d.getMinutes())}`);
    node.dateTime = d.toISOString();
    node.title = d.toLocaleString();
    return node;
  }

  function messageNode(m) {
    const kind = KINDS.has(m.kind) ? m.kind : 'room';
    const li = el('li', `msg msg-${kind}`);
    if (m.id) li.dataset.id = m.id;
    if (m.sender && m.sender === session.name) li.classList.add('msg-mine');
    const meta = el('div', 'meta');
    meta.append(el('span', 'sender', senderLabel(m, kind)), timeNode(m.time));
    li.append(meta, el('div', 'text', m.text ?? ''));
    return li;
  }

  function isNearBottom() {
    const list = ui.messages;
    return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  }

  function scrollToEnd() {
    ui.messages.scrollTop = ui.messages.scrollHeight;
  }

  function trimList() {
    while (ui.messages.childElementCount > MAX_RENDERED) {
      const first = ui.messages.firstElementChild;
      const id = first.dataset.id;
      if (id) {
        session.seen.delete(id); // keeps `seen` as small as the list
        if (id > session.trimmedUpTo) session.trimmedUpTo = id;
      }
      first.remove();
    }
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
    trimList();
    if (follow) scrollToEnd();
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
    if (m.id && m.kind !== 'private' && m.id > session.lastRoomId) session.lastRoomId = m.id;
    if (m.id) {
      if (session.seen.has(m.id)) return;
      if (history && m.id <= session.trimmedUpTo) return; // was shown, then trimmed away
      session.seen.add(m.id);
    }
    const node = messageNode(m);
    if (history) node.classList.add('msg-history');
    addToList(node, !history && m.sender != null && m.sender === session.name, history);
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
      session.trimmedUpTo = '';
      session.lastRoomId = '';
      history.forEach((m) => addMessage(m, true));
      if (history.length) ui.messages.append(el('li', 'history-divider', 'earlier messages ↑'));
    }
    ui.messages.setAttribute('aria-busy', 'false');
  }

  function renderMembers() {
    const names = [...session.members].sort((a, b) => a.localeCompare(b));
    ui.members.replaceChildren(...names.map((name) => {
      if (name === session.name) return el('li', 'me', name);
      // A button per member makes "whisper to" one click (or one key press) away.
      const li = el('li');
      const button = el('button', 'member', name);
      button.type = 'button';
      button.dataset.name = name;
      button.title = `Send a private message to ${name}`;
      li.append(button);
      return li;
    }));
    ui.memberCount.textContent = `(${names.length})`;
  }

  function setMembers(list) {
    session.members = new Set(Array.isArray(list) ? list : []);
    renderMembers();
  }

  /* ---------- protocol ---------- */

  function send(frame) {
    const id = String(session.nextId++);
    session.ws.send(JSON.stringify({ ...frame, id }));
    return id;
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
      showChatView(); // first, so the list has a size to scroll in
      showHistory(Array.isArray(f.history) ? f.history : [], rejoin);
      // Without recovery the server sent only its recent history: what fell between is not shown.
      if (rejoin && !f.recovered) addLocalNotice('Some messages sent while you were away may be missing.');
      early.forEach((m) => addMessage(m));
      if (follow) scrollToEnd();
      setStatus('connected', 'connected');
    },

    left(f) {
      // Our own leave closes the socket right away, so a "left" we see was done to us by the server.
      if (f.room === session.room && !f.id) addLocalNotice(`You were removed from ${f.room}.`);
    },

    message(f) {
      addMessage(f.message);
    },

    ack(f) {
      session.pending.delete(f.id);
      if (f.message) addMessage(f.message);
    },

    presence(f) {
      if (f.room !== session.room || !f.user) return;
      if (f.state === 'joined') session.members.add(f.user);
      else if (f.state === 'left') session.members.delete(f.user);
      renderMembers();
    },

    members(f) {
      if (f.room === session.room) setMembers(f.members);
    },

    cleared(f) {
      if (f.room !== session.room) return;
      ui.messages.replaceChildren();
      session.seen.clear();
      session.lastRoomId = '';
      addLocalNotice(f.by ? `History was cleared by ${f.by}.` : 'History was cleared.');
    },

    error(f) {
      const text = f.message || f.code || 'Something went wrong.';
      if (f.id && f.id === session.joinId) return joinFailed(text, f.code);
      if (!f.id) session.lastError = text;
      const draft = f.id && session.pending.get(f.id);
      if (draft) {
        session.pending.delete(f.id);
        if (!ui.input.value) ui.input.value = draft; // give the rejected text back for editing
      }
      showError(text);
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
    session.joinBuffer = null;
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

  // 1008 (policy) and 4500-4999 (disconnected by the server) mean "do not come back".
  const isFinal = (code) => code === 1008 || (code >= 4500 && code <= 4999);

  function onClose(ws, ev) {
    if (ws !== session.ws) return;
    session.ws = null;
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
    showError(reason);
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
    showJoinView(text);
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
    session.active = true;
    ui.join.disabled = true;
    ui.join.textContent = 'Joining…';
    connect();
  }

  function onSendSubmit(event) {
    event.preventDefault();
    const text = ui.input.value;
    if (!text.trim()) return;
    if (session.state !== 'connected' || !session.ws || session.ws.readyState !== WebSocket.OPEN) {
      showError('Not connected: your message was not sent.');
      return;
    }
    clearError();
    // "@name text" goes out as a normal message: the server routes it privately.
    const id = send({ type: 'message', room: session.room, text });
    session.pending.set(id, text);
    ui.input.value = '';
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
    const button = event.target.closest('button.member');
    if (!button) return;
    ui.input.value = `@${button.dataset.name} `;
    ui.input.focus();
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
    // Coming back online is a better moment to retry than whatever the backoff timer says.
    window.addEventListener('online', () => {
      if (session.reconnectTimer) connect();
    });
    setStatus('idle', 'not connected');
    showJoinView();
  }

  init();
})();
