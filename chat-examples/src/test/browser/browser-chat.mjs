// Drives the example's browser client (src/main/resources/web) in Debian's chromium: two people in
// one room exchange room and private messages, see each other's join and leave notices and the
// online list, see markup shown as text, see each other typing, get the server's errors in a
// banner that clears itself, get back together after the server restarts, and are moderated by
// alice, the one moderator; a third person scrolls back through a long history page by page.
//
// Run by BrowserChatIT, which owns the server. Talking to it:
//   this script prints "@@ STOP"   -> BrowserChatIT stops the server, then writes "STOPPED" on stdin
//   this script prints "@@ START"  -> BrowserChatIT starts it on the same port, writes "STARTED"
// Every other line is a log line. Exit code 0 after the line "BROWSER CHAT OK" means every check
// passed; any failed check or missed deadline ends the script with exit code 1 and the reason.
//
// Environment: PARLEY_URL (the page), SCREENSHOTS (the directory to write PNGs to), CHROMIUM (the
// browser binary), ARCHIVED (how many messages BrowserChatIT put in the room "archive", numbered
// from 1). Playwright launches the browser with a fresh user-data dir of its own under TMPDIR.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { createInterface } from 'node:readline';

const BASE = requiredEnv('PARLEY_URL');
const SCREENSHOTS = requiredEnv('SCREENSHOTS');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARCHIVED = Number(requiredEnv('ARCHIVED'));

const STEP_MS = 15_000; // one UI condition (a message arriving, a state change)
const RECONNECT_MS = 30_000; // the client's backoff after a restart
const REPLY_MS = 60_000; // BrowserChatIT stopping or starting the server
const TOTAL_MS = 240_000; // the whole script
// The client's own constants (app.js), which the checks below hold it to.
const JOIN_HISTORY = 100; // the server's default history sent on join
const PAGE_SIZE = 50;
const TYPING_GAP_MS = 600;
const ERROR_SHOWN_MS = 6000;
const VIEWPORT = { width: 880, height: 560 }; // modest, so that the screenshots in docs/ stay small

const MARKUP = '<b>bold?</b> <img src="x" onerror="window.__injected = 1">';

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

const log = (text) => console.log(`  ${text}`);

function check(ok, what, detail) {
  if (!ok) throw new Error(`${what}${detail === undefined ? '' : `\n    got: ${JSON.stringify(detail)}`}`);
  log(`ok  ${what}`);
}

/* ---------- talking to BrowserChatIT ---------- */

const replies = [];
let replyWaiter = null;
const stdin = createInterface({ input: process.stdin });
stdin.on('line', (line) => {
  replies.push(line.trim());
  if (replyWaiter) replyWaiter();
});

// Prints a request and waits for the expected answer line, with a deadline.
async function ask(request, answer) {
  console.log(`@@ ${request}`);
  const deadline = Date.now() + REPLY_MS;
  while (replies.length === 0) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no answer to ${request} within ${REPLY_MS} ms`);
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, left);
      replyWaiter = () => { clearTimeout(timer); resolve(); };
    });
    replyWaiter = null;
  }
  const got = replies.shift();
  check(got === answer, `${request}: answered ${answer}`, got);
}

/* ---------- reading the page ---------- */

// Everything a check needs, read in one go from the page's test hooks.
const view = (page) => page.evaluate(() => {
  const status = document.getElementById('status');
  const error = document.getElementById('error');
  return {
    state: status.dataset.state,
    status: status.textContent,
    joinForm: !document.getElementById('join-view').hidden,
    sendDisabled: document.getElementById('send').disabled,
    inputDisabled: document.getElementById('input').disabled,
    error: error.hidden ? null : {
      code: document.getElementById('error-code').textContent,
      text: document.getElementById('error-text').textContent,
    },
    typing: document.getElementById('typing').textContent,
    members: [...document.querySelectorAll('#members li')].map((li) => li.dataset.name),
    messages: [...document.querySelectorAll('#messages li.msg')].map((li) => ({
      kind: ['room', 'private', 'notice'].find((k) => li.classList.contains(`msg-${k}`)) ?? null,
      sender: li.querySelector('.sender')?.textContent ?? null,
      time: li.querySelector('.time')?.textContent ?? null,
      text: li.querySelector('.text')?.textContent ?? null,
    })),
  };
});

// Waits for a condition in the page; on timeout, fails with what the page shows.
async function waitFor(page, what, condition, arg, timeout = STEP_MS) {
  try {
    await page.waitForFunction(condition, arg, { timeout, polling: 100 });
  } catch (e) {
    throw new Error(`${page.who}: ${what} (not within ${timeout} ms)\n    page: ${JSON.stringify(await view(page))}`);
  }
}

const waitForState = (page, state, timeout) => waitFor(page, `status becomes ${state}`,
  (s) => document.getElementById('status').dataset.state === s, state, timeout);

const waitForText = (page, text) => waitFor(page, `a message reading ${JSON.stringify(text)}`,
  (t) => [...document.querySelectorAll('#messages li.msg .text')].some((n) => n.textContent === t), text);

const waitForMembers = (page, names) => waitFor(page, `online list ${names.join(', ')}`,
  (expected) => JSON.stringify([...document.querySelectorAll('#members li')].map((li) => li.dataset.name))
    === JSON.stringify(expected), names);

const waitForTyping = (page, text) => waitFor(page, `the typing line reads ${JSON.stringify(text)}`,
  (t) => document.getElementById('typing').textContent === t, text);

const waitForError = (page, code) => waitFor(page, `the error banner shows ${code}`,
  (c) => !document.getElementById('error').hidden && document.getElementById('error-code').textContent === c, code);

const waitForNoError = (page, timeout) => waitFor(page, 'the error banner is gone',
  () => document.getElementById('error').hidden, undefined, timeout);

// The texts of the messages shown, in order.
const texts = async (page) => (await view(page)).messages.map((m) => m.text);

async function screenshot(page, name) {
  const path = joinPath(SCREENSHOTS, name);
  await page.bringToFront();
  await page.screenshot({ path });
  log(`screenshot of ${page.who}'s tab: ${path}`);
}

// Every frame a page sends and receives on its WebSockets, with when; waitForFrame awaits one.
function recordFrames(page) {
  const frames = [];
  page.frameWaiters = new Set();
  const record = (sent, payload) => {
    const entry = { sent, at: Date.now(), frame: parse(payload) };
    frames.push(entry);
    page.frameWaiters.forEach((waiter) => waiter(entry));
  };
  page.on('websocket', (ws) => {
    ws.on('framesent', (e) => record(true, e.payload));
    ws.on('framereceived', (e) => record(false, e.payload));
  });
  return frames;
}

// The first frame (already recorded or still to come) that matches, within STEP_MS.
function waitForFrame(page, what, matches) {
  const found = page.wsFrames.find(matches);
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      page.frameWaiters.delete(waiter);
      reject(new Error(`${page.who}: ${what} (not within ${STEP_MS} ms)`));
    }, STEP_MS);
    const waiter = (entry) => {
      if (!matches(entry)) return;
      clearTimeout(timer);
      page.frameWaiters.delete(waiter);
      resolve(entry);
    };
    page.frameWaiters.add(waiter);
  });
}

function parse(payload) {
  try {
    return JSON.parse(payload);
  } catch {
    return null;
  }
}

async function shown(page, text) {
  return (await view(page)).messages.filter((m) => m.text === text);
}

// The one message with this text: arrived, shown once, of this kind and sender, with a time.
async function expectOne(page, text, kind, sender) {
  await waitForText(page, text);
  const found = await shown(page, text);
  check(found.length === 1 && found[0].kind === kind && found[0].sender === sender && /^\d\d:\d\d$/.test(found[0].time),
    `${page.who} sees ${JSON.stringify(text)} once, ${kind}, from ${JSON.stringify(sender)}`, found);
}

async function send(page, text) {
  await page.fill('#input', text);
  await page.click('#send');
}

/* ---------- the scenario ---------- */

let browser;
const problems = []; // errors the pages reported themselves

async function openAs(name, room) {
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'light' });
  const page = await context.newPage();
  page.who = name;
  page.wsFrames = recordFrames(page);
  page.on('pageerror', (e) => problems.push(`${name}: ${e.message}`));
  page.on('console', (m) => {
    // While the server is down, every refused reconnect attempt is logged by the browser itself.
    if (m.type() === 'error' && !/WebSocket connection to .* failed|ERR_CONNECTION_REFUSED/.test(m.text())) {
      problems.push(`${name}: console: ${m.text()}`);
    }
  });
  await page.goto(BASE);
  await join(page, name, room);
  return page;
}

async function join(page, name, room) {
  await page.fill('#name', name);
  await page.fill('#room', room);
  await page.click('#join');
  await waitForState(page, 'connected');
  await waitFor(page, 'the chat view is shown', () => !document.getElementById('chat-view').hidden);
}

// Scrolling back through the room "archive", where BrowserChatIT put ARCHIVED numbered messages:
// the join brings the newest JOIN_HISTORY, each scroll to the top one PAGE_SIZE page more, put
// above without moving what the reader sees, until the start of the conversation.
async function scrollBack() {
  const carol = await openAs('carol', 'archive');
  const numbered = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => `archive message ${from + i}`);
  const archived = async () => (await texts(carol)).filter((t) => t.startsWith('archive message '));
  await waitForText(carol, `archive message ${ARCHIVED}`);
  let expected = numbered(ARCHIVED - JOIN_HISTORY + 1, ARCHIVED);
  check(JSON.stringify(await archived()) === JSON.stringify(expected),
    `carol's join shows the newest ${JOIN_HISTORY} archived messages, in order`, await archived());
  let pages = 0;
  while (expected.length < ARCHIVED) {
    const oldest = expected[0];
    await carol.$eval('#messages', (list) => { list.scrollTop = 0; });
    const to = ARCHIVED - expected.length;
    const from = Math.max(1, to - PAGE_SIZE + 1);
    await waitForText(carol, `archive message ${from}`);
    pages++;
    expected = numbered(from, ARCHIVED);
    check(JSON.stringify(await archived()) === JSON.stringify(expected),
      `carol scrolls to the top: page ${pages} brings archive messages ${from} to ${to}, each once, in order`,
      await archived());
    // What she was reading stays where it was: the message that was at the top is still in view.
    const inView = await carol.evaluate((text) => {
      const list = document.getElementById('messages');
      const li = [...list.querySelectorAll('li.msg')].find((n) => n.querySelector('.text').textContent === text);
      const top = li.getBoundingClientRect().top - list.getBoundingClientRect().top;
      return list.scrollTop > 0 && top >= -li.offsetHeight && top < list.clientHeight;
    }, oldest);
    check(inView, `carol still sees "${oldest}" after the page went in above it`);
  }
  await waitFor(carol, 'the start of the conversation is marked',
    () => document.querySelector('#messages li.history-start') !== null);
  const requests = carol.wsFrames.filter((f) => f.sent && f.frame?.type === 'history');
  check(requests.length === pages && requests.every((f) => f.frame.limit === PAGE_SIZE && f.frame.room === 'archive'),
    `one history request per page (${pages}), each for ${PAGE_SIZE} messages`, requests.map((f) => f.frame));
  await screenshot(carol, 'history.png');
  await carol.context().close();
}

// Typing in the composer shows "bob is typing…" to alice, renewed at most once per TYPING_GAP_MS,
// and gone when bob sends, empties the composer, or (someone whose client never says more) expires.
async function typing(alice, bob) {
  const from = bob.wsFrames.length;
  await bob.click('#input');
  const startedAt = Date.now();
  await bob.keyboard.type('I am typing a rather long sentence, slowly', { delay: 60 });
  await waitForTyping(alice, 'bob is typing…');
  await screenshot(alice, 'typing.png');
  const sent = bob.wsFrames.slice(from).filter((f) => f.sent && f.frame?.type === 'typing');
  const gaps = sent.slice(1).map((f, i) => f.at - sent[i].at);
  check(sent.length >= 1 && sent.every((f) => f.frame.room === 'lobby' && f.frame.typing === true)
    && gaps.every((g) => g >= TYPING_GAP_MS - 50),
    `bob's client sent ${sent.length} typing frame(s) in ${Date.now() - startedAt} ms of typing, at least ${TYPING_GAP_MS} ms apart`,
    { sent: sent.map((f) => f.frame), gaps });
  await bob.press('#input', 'Enter');
  await expectOne(alice, 'I am typing a rather long sentence, slowly', 'room', 'bob');
  await waitForTyping(alice, '');
  log('ok  alice\'s typing line clears when bob sends');

  await bob.keyboard.type('wait, no', { delay: 30 });
  await waitForTyping(alice, 'bob is typing…');
  await bob.fill('#input', '');
  await waitForTyping(alice, '');
  log('ok  alice\'s typing line clears when bob empties the composer');

  await bob.keyboard.type('@alice psst', { delay: 30 });
  await waitForTyping(alice, 'bob is typing to you…');
  await bob.fill('#input', '');
  await waitForTyping(alice, '');
  log('ok  a whisper being typed shows as "bob is typing to you…", and clears');

  // dave's client says "typing" once and then nothing: alice's line clears when it expires.
  await bob.evaluate(() => new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${location.host}/chat`);
    window.dave = ws;
    ws.onmessage = (e) => {
      const f = JSON.parse(e.data);
      if (f.type === 'welcome') ws.send(JSON.stringify({ type: 'join', id: 'j', room: 'lobby', username: 'dave' }));
      if (f.type === 'joined') {
        ws.send(JSON.stringify({ type: 'typing', room: 'lobby' }));
        resolve();
      }
      if (f.type === 'error') reject(new Error(e.data));
    };
  }));
  await waitForTyping(alice, 'dave is typing…');
  await waitForTyping(alice, '');
  check(await bob.evaluate(() => window.dave.readyState === WebSocket.OPEN),
    'alice\'s "dave is typing…" expired while dave stayed connected and silent');
  await bob.evaluate(() => window.dave.close());
  await waitForMembers(alice, ['alice', 'bob']);

  const tooFast = [alice, bob].flatMap((p) => p.wsFrames.filter((f) => !f.sent && f.frame?.code === 'TYPING_TOO_FAST'));
  check(tooFast.length === 0, 'the server never answered TYPING_TOO_FAST', tooFast);
}

// The server's error in a banner, code and message, that clears itself, or on the next success.
async function errorBanner(bob) {
  const tooLong = 'x'.repeat(4001);
  await send(bob, tooLong);
  await waitForError(bob, 'MESSAGE_TOO_LONG');
  const v = await view(bob);
  check(v.error.text === 'Messages are at most 4000 characters', 'bob sees MESSAGE_TOO_LONG and the server\'s message', v.error);
  check((await bob.inputValue('#input')) === tooLong, 'bob gets his rejected text back');
  await screenshot(bob, 'error.png');
  await waitForNoError(bob, ERROR_SHOWN_MS + STEP_MS);
  log('ok  the banner cleared itself');

  await bob.click('#send');
  await waitForError(bob, 'MESSAGE_TOO_LONG');
  // What goes into the list in the same task as the banner is hidden: the acknowledged message, if
  // it was the success that cleared it (and not the timer).
  await bob.evaluate(() => {
    const error = document.getElementById('error');
    const watch = new MutationObserver((records) => {
      if (!error.hidden) return;
      window.clearedWith = records.flatMap((r) => [...r.addedNodes])
        .map((n) => n.querySelector?.('.text')?.textContent).filter((t) => t != null);
      watch.disconnect();
    });
    watch.observe(error, { attributes: true, attributeFilter: ['hidden'] });
    watch.observe(document.getElementById('messages'), { childList: true });
  });
  await send(bob, 'A shorter one, then.');
  await expectOne(bob, 'A shorter one, then.', 'room', 'bob');
  const clearedWith = await bob.evaluate(() => window.clearedWith);
  check((await view(bob)).error === null && JSON.stringify(clearedWith) === '["A shorter one, then."]',
    'the banner cleared as the next message was acknowledged', clearedWith);
}

// bob edits and then deletes his own message; alice sees both, and has no such buttons on it.
async function editing(alice, bob) {
  await send(bob, 'Typo hree');
  await expectOne(alice, 'Typo hree', 'room', 'bob');
  await expectOne(bob, 'Typo hree', 'room', 'bob');
  const mine = (page) => page.locator('#messages li.msg').filter({ has: page.locator('.text', { hasText: /^Typo h/ }) });
  check(await mine(alice).locator('.msg-edit, .msg-delete').count() === 0 && await mine(bob).locator('.msg-edit').count() === 1,
    'bob has Edit and Delete on his message, alice has neither on it');
  await mine(bob).hover();
  await mine(bob).locator('.msg-edit').click();
  await bob.fill('#messages .edit-input', 'Typo here');
  await bob.press('#messages .edit-input', 'Enter');
  for (const page of [alice, bob]) {
    await expectOne(page, 'Typo here', 'room', 'bob');
    check((await shown(page, 'Typo hree')).length === 0 && await mine(page).locator('.edited').textContent() === '(edited)',
      `${page.who} sees the edited text, marked edited, in place of the old one`);
  }
  await screenshot(alice, 'edited.png');
  await mine(bob).hover();
  await mine(bob).locator('.msg-delete').click();
  await mine(bob).locator('.msg-delete.confirming').click();
  for (const page of [alice, bob]) {
    await waitFor(page, 'the message becomes a tombstone',
      () => [...document.querySelectorAll('#messages li.msg-deleted .text')].some((t) => t.textContent === 'This message was deleted.'));
    check((await shown(page, 'Typo here')).length === 0, `${page.who} no longer sees the deleted text`);
  }
  check(await bob.locator('#messages li.msg-deleted .msg-edit').count() === 0, 'a deleted message has no Edit any more');
}

// Waits until the page's client told the server it read the newest message it shows.
async function waitForReadSent(page) {
  const newest = await page.evaluate(() => [...document.querySelectorAll('#messages li.msg[data-id]')]
    .filter((li) => !li.classList.contains('msg-private')).map((li) => li.dataset.id).sort().pop());
  await waitForFrame(page, `a read marker sent through ${newest}`,
    (f) => f.sent && f.frame?.type === 'read' && f.frame.room === 'lobby' && f.frame.through >= newest);
}

// Receipts: a whisper of alice's is delivered and read; alice's unread count while scrolled up;
// "Seen by alice" under bob's message once she has read it.
async function receipts(alice, bob) {
  await send(alice, '@bob did you read this?');
  await expectOne(bob, 'did you read this?', 'private', 'alice → you (private)');
  await waitFor(alice, 'alice\'s whisper shows read',
    () => [...document.querySelectorAll('#messages li.msg-mine')]
      .some((li) => li.querySelector('.text').textContent === 'did you read this?' && li.dataset.receipt === 'read'
        && li.querySelector('.receipt').textContent === 'read'));
  check(alice.wsFrames.some((f) => !f.sent && f.frame?.type === 'delivered' && f.frame.to === 'bob'),
    'alice was told her whisper was delivered to bob, then that he read it');

  await alice.setViewportSize({ width: VIEWPORT.width, height: 360 }); // a list that surely scrolls
  await alice.$eval('#messages', (list) => { list.scrollTop = 0; });
  await send(bob, 'Are you still reading the old stuff?');
  await send(bob, 'Come back down!');
  await expectOne(bob, 'Come back down!', 'room', 'bob');
  await waitFor(alice, 'the header counts 2 unread',
    () => document.getElementById('unread').textContent === '2 unread' && document.title === '(2) lobby · Parley');
  log('ok  alice, scrolled up, sees "2 unread" in the header and the title');
  await alice.$eval('#messages', (list) => { list.scrollTop = list.scrollHeight; });
  await waitFor(alice, 'the unread count clears at the end of the list',
    () => document.getElementById('unread').hidden && document.title === 'lobby · Parley');
  await alice.setViewportSize(VIEWPORT);
  await waitFor(bob, '"Seen by alice" under bob\'s last message',
    () => [...document.querySelectorAll('#messages li.msg')].pop()?.querySelector('.seen-by')?.textContent === 'Seen by alice');
  log('ok  bob sees "Seen by alice" under his last message');
  await screenshot(bob, 'receipts.png');
}

// What bob missed while away is counted when he joins again, from the marker the server kept.
async function unreadOnJoin(alice, bob) {
  await join(bob, 'bob', 'lobby');
  await waitForMembers(alice, ['alice', 'bob']);
  const divider = await bob.evaluate(() => {
    const d = document.querySelector('#messages li.unread-divider');
    return d && { text: d.textContent, next: d.nextElementSibling?.querySelector('.text')?.textContent };
  });
  check(divider && divider.text === '2 new messages' && divider.next === 'You missed this',
    'bob\'s join shows "2 new messages" above the first he missed', divider);
  const joined = bob.wsFrames.filter((f) => !f.sent && f.frame?.type === 'joined').pop().frame;
  check(joined.unread === 2 && typeof joined.lastRead === 'string', 'the join answered his marker and 2 unread', joined);
}

// alice, the one moderator, mutes and unmutes bob; bob has no moderator actions.
async function muting(alice, bob) {
  check(await alice.locator('#members li[data-name="alice"] .badge').count() === 1
    && await bob.locator('#members li[data-name="alice"] .badge').count() === 1,
    'both see alice marked as a moderator');
  check(await bob.locator('details.moderate').count() === 0, 'bob, no moderator, is shown no moderator actions');
  const panel = alice.locator('details.moderate[data-name="bob"]');
  check(await panel.count() === 1 && await alice.locator('details.moderate').count() === 1,
    'alice is shown moderator actions for bob only');
  await panel.locator('summary').click();
  await panel.locator('.mod-reason').fill('cool down');
  await panel.locator('.mod-mute-for').selectOption('60');
  await screenshot(alice, 'moderation.png');
  await panel.locator('.mod-mute').click();
  await waitFor(bob, 'bob\'s composer is disabled by the mute',
    () => document.getElementById('input').disabled && document.getElementById('send').disabled);
  const notice = (await view(bob)).messages.find((m) => m.text.startsWith('A moderator muted you in lobby until '));
  check(notice && notice.kind === 'notice' && notice.text.endsWith(': cool down'), 'bob is told he is muted, until when, and why', notice);
  await expectOne(alice, 'You muted bob for 1 minute.', 'notice', '');
  await alice.locator('details.moderate[data-name="bob"] .mod-unmute').click();
  await expectOne(bob, 'A moderator lifted your mute in lobby.', 'notice', '');
  await waitFor(bob, 'bob can write again', () => !document.getElementById('input').disabled);
  await expectOne(alice, 'You unmuted bob.', 'notice', '');
}

// alice kicks bob (who may come back), then bans him (who may not). The reason is shown as text.
async function kickAndBan(alice, bob) {
  const panel = () => alice.locator('details.moderate[data-name="bob"]');
  await panel().locator('summary').click();
  await panel().locator('.mod-reason').fill(MARKUP);
  await panel().locator('.mod-kick').click();
  await waitFor(bob, 'bob is back on the join form', () => !document.getElementById('join-view').hidden);
  let v = await view(bob);
  check(v.error?.text === `You were removed from lobby by a moderator: ${MARKUP}` && v.error.code === '',
    'bob is told he was removed, with the reason as text', v.error);
  const made = await bob.evaluate(() => ({ img: document.querySelectorAll('img').length, injected: typeof window.__injected }));
  check(made.img === 0 && made.injected === 'undefined', 'the reason made no element and ran nothing', made);
  await expectOne(alice, 'You removed bob from lobby.', 'notice', '');
  await waitForMembers(alice, ['alice']);

  await join(bob, 'bob', 'lobby');
  log('ok  bob may join again after a kick');
  await waitForMembers(alice, ['alice', 'bob']);
  await panel().locator('summary').click();
  await panel().locator('.mod-ban-for').selectOption('3600');
  await panel().locator('.mod-ban').click();
  await waitFor(bob, 'bob is back on the join form', () => !document.getElementById('join-view').hidden);
  v = await view(bob);
  check(/^You are banned from lobby until .+\.$/.test(v.error?.text ?? ''), 'bob is told he is banned, until when', v.error);
  await expectOne(alice, 'You banned bob from lobby for 1 hour.', 'notice', '');
  await bob.fill('#name', 'bob');
  await bob.fill('#room', 'lobby');
  await bob.click('#join');
  await waitForError(bob, 'BANNED');
  v = await view(bob);
  check(v.joinForm && v.state === 'idle' && v.error.text.startsWith('You are banned from lobby until '),
    'bob\'s join is refused with BANNED, shown on the join form', v);
  await screenshot(bob, 'banned.png');
}

async function main() {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  log(`browser: chromium ${browser.version()}`);
  mkdirSync(SCREENSHOTS, { recursive: true });

  await scrollBack();

  // Joining: a greeting for each, a join notice and a two-name online list.
  const alice = await openAs('alice', 'lobby');
  await expectOne(alice, 'Welcome to lobby, alice. Write @name to whisper, /who to see who is here.', 'notice', '');
  check((await alice.textContent('#room-title')) === 'lobby' && (await alice.textContent('#me')) === 'alice',
    'alice sees room lobby and her own name in the header');
  const bob = await openAs('bob', 'lobby');
  await expectOne(bob, 'Welcome to lobby, bob. Write @name to whisper, /who to see who is here.', 'notice', '');
  await expectOne(alice, 'bob has joined', 'notice', '');
  await waitForMembers(alice, ['alice', 'bob']);
  await waitForMembers(bob, ['alice', 'bob']);
  log('ok  both online lists read alice, bob');

  // Room messages, both ways: shown once to the receiver and once (through the ack) to the sender.
  const hello = 'Hi bob, welcome to the lobby!';
  await send(alice, hello);
  await expectOne(bob, hello, 'room', 'alice');
  await expectOne(alice, hello, 'room', 'alice');
  const reply = 'Thanks alice, good to be here.';
  await send(bob, reply);
  await expectOne(alice, reply, 'room', 'bob');
  await expectOne(bob, reply, 'room', 'bob');

  // A private message: "@bob text" reaches bob only, labelled private on both sides.
  await send(alice, '@bob this one is just for you');
  await expectOne(bob, 'this one is just for you', 'private', 'alice → you (private)');
  await expectOne(alice, 'this one is just for you', 'private', 'you → bob (private)');

  // Markup is text: no element is made from it, nothing in it runs.
  await send(alice, MARKUP);
  await expectOne(bob, MARKUP, 'room', 'alice');
  await expectOne(alice, MARKUP, 'room', 'alice');
  for (const page of [alice, bob]) {
    const made = await page.evaluate(() => ({
      b: document.querySelectorAll('#messages b').length,
      img: document.querySelectorAll('#messages img, img').length,
      injected: typeof window.__injected,
    }));
    check(made.b === 0 && made.img === 0 && made.injected === 'undefined',
      `${page.who}: the markup made no element and ran nothing`, made);
  }

  await screenshot(alice, 'chat.png');

  await typing(alice, bob);
  await errorBanner(bob);
  await muting(alice, bob);
  await editing(alice, bob);

  // The server goes away: both clients notice and keep trying (a refused attempt reads
  // "connection lost"), sending is disabled, and the conversation stays on screen.
  const before = { alice: (await view(alice)).messages, bob: (await view(bob)).messages };
  await ask('STOP', 'STOPPED');
  for (const page of [alice, bob]) {
    await waitFor(page, 'a failed reconnect attempt is shown while the server is down',
      () => document.getElementById('status').dataset.state === 'reconnecting'
        && document.getElementById('status').textContent.includes('connection lost'));
    const v = await view(page);
    check(v.sendDisabled && !v.joinForm && v.messages.length === before[page.who].length,
      `${page.who}: still on the chat view with ${v.messages.length} messages, Send disabled, status "${v.status}"`, v);
  }

  // The server is back on the same port: both reconnect and rejoin on their own.
  await ask('START', 'STARTED');
  for (const page of [alice, bob]) {
    await waitForState(page, 'connected', RECONNECT_MS);
    log(`ok  ${page.who} reconnected by itself`);
  }
  await waitForMembers(alice, ['alice', 'bob']);
  await waitForMembers(bob, ['alice', 'bob']);
  log('ok  both online lists read alice, bob again');
  for (const page of [alice, bob]) {
    const v = await view(page);
    const kept = before[page.who].every((m) => v.messages.some((n) => n.text === m.text && n.kind === m.kind));
    check(kept && v.error === null, `${page.who} keeps the whole conversation and shows no error`, v);
  }

  const after = 'Still here after the restart?';
  await send(alice, after);
  await expectOne(bob, after, 'room', 'alice');
  await expectOne(alice, after, 'room', 'alice');
  const answer = 'Yes, reconnected by itself.';
  await send(bob, answer);
  await expectOne(alice, answer, 'room', 'bob');

  // Leaving: alice is told, her online list shrinks, bob is back on the join form. The history is
  // kept across the restart, so alice may already show the "bob has left" of the shutdown (bob's
  // connection dropped with the server), brought back by her rejoin: the leave adds one more.
  await receipts(alice, bob);
  await waitForReadSent(bob); // so that the server's count of what he misses starts here

  const leftBefore = (await shown(alice, 'bob has left')).length;
  await bob.click('#leave');
  await waitFor(alice, `a new "bob has left" (${leftBefore} before)`,
    (n) => [...document.querySelectorAll('#messages li.msg .text')].filter((t) => t.textContent === 'bob has left').length === n,
    leftBefore + 1);
  const left = await shown(alice, 'bob has left');
  check(left.length === leftBefore + 1 && left.every((m) => m.kind === 'notice' && m.sender === ''),
    `alice sees "bob has left" once more (${left.length} in all), notice, from ""`, left);
  await waitForMembers(alice, ['alice']);
  const bobNow = await view(bob);
  check(bobNow.joinForm && bobNow.state === 'idle', 'bob is back on the join form, status idle', bobNow);

  // No room or private message was shown twice along the way. (Notices may repeat: the restarted
  // server greets each rejoin and announces bob's join again.)
  for (const page of [alice, bob]) {
    const shownTexts = (await view(page)).messages.filter((m) => m.kind !== 'notice').map((m) => m.text);
    const twice = shownTexts.filter((t, i) => shownTexts.indexOf(t) !== i);
    check(twice.length === 0, `${page.who}: no message shown twice`, twice);
  }

  await send(alice, 'You missed this');
  await send(alice, 'And this');
  await expectOne(alice, 'And this', 'room', 'alice');
  await unreadOnJoin(alice, bob);
  await kickAndBan(alice, bob);
  check(problems.length === 0, 'no page errors or console errors', problems);
}

const watchdog = setTimeout(() => {
  console.log(`BROWSER CHAT FAILED: not finished within ${TOTAL_MS} ms`);
  process.exit(1); // Playwright kills the browser on exit
}, TOTAL_MS);

let code = 0;
try {
  await main();
  console.log('BROWSER CHAT OK');
} catch (e) {
  code = 1;
  console.log(`BROWSER CHAT FAILED: ${e.stack || e}`);
} finally {
  stdin.close();
  if (browser) await browser.close().catch(() => {});
  clearTimeout(watchdog);
}
process.exit(code);
