// Drives the example's browser client (src/main/resources/web) in Debian's chromium: two people in
// one room exchange room and private messages, see each other's join and leave notices and the
// online list, see markup shown as text, and get back together after the server restarts.
//
// Run by BrowserChatIT, which owns the server. Talking to it:
//   this script prints "@@ STOP"   -> BrowserChatIT stops the server, then writes "STOPPED" on stdin
//   this script prints "@@ START"  -> BrowserChatIT starts it on the same port, writes "STARTED"
// Every other line is a log line. Exit code 0 after the line "BROWSER CHAT OK" means every check
// passed; any failed check or missed deadline ends the script with exit code 1 and the reason.
//
// Environment: PARLEY_URL (the page), SCREENSHOT (PNG to write), CHROMIUM (the browser binary).
// Playwright launches the browser with a fresh user-data dir of its own under TMPDIR.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';

const BASE = requiredEnv('PARLEY_URL');
const SCREENSHOT = requiredEnv('SCREENSHOT');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const STEP_MS = 15_000; // one UI condition (a message arriving, a state change)
const RECONNECT_MS = 30_000; // the client's backoff after a restart
const REPLY_MS = 60_000; // BrowserChatIT stopping or starting the server
const TOTAL_MS = 180_000; // the whole script

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
    error: error.hidden ? null : error.textContent,
    members: [...document.querySelectorAll('#members li')].map((li) => li.textContent.trim()),
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
  (expected) => JSON.stringify([...document.querySelectorAll('#members li')].map((li) => li.textContent.trim()))
    === JSON.stringify(expected), names);

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
  const context = await browser.newContext({ viewport: { width: 1000, height: 640 }, colorScheme: 'light' });
  const page = await context.newPage();
  page.who = name;
  page.on('pageerror', (e) => problems.push(`${name}: ${e.message}`));
  page.on('console', (m) => {
    // While the server is down, every refused reconnect attempt is logged by the browser itself.
    if (m.type() === 'error' && !/WebSocket connection to .* failed|ERR_CONNECTION_REFUSED/.test(m.text())) {
      problems.push(`${name}: console: ${m.text()}`);
    }
  });
  await page.goto(BASE);
  await page.fill('#name', name);
  await page.fill('#room', room);
  await page.click('#join');
  await waitForState(page, 'connected');
  await waitFor(page, 'the chat view is shown', () => !document.getElementById('chat-view').hidden);
  return page;
}

async function main() {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  log(`browser: chromium ${browser.version()}`);

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

  mkdirSync(dirname(SCREENSHOT), { recursive: true });
  await alice.bringToFront();
  await alice.screenshot({ path: SCREENSHOT });
  log(`screenshot of alice's tab: ${SCREENSHOT}`);

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
    const texts = (await view(page)).messages.filter((m) => m.kind !== 'notice').map((m) => m.text);
    const twice = texts.filter((t, i) => texts.indexOf(t) !== i);
    check(twice.length === 0, `${page.who}: no message shown twice`, twice);
  }
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
