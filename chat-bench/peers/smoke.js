'use strict';
// Smoke test of a rooms chat server (a chat-bench peer or Parley): three websocket-only clients,
// two in room A and one in room B, check the wire shapes the load driver relies on.
//
//   node smoke.js [URL] [--stats-port N] [--no-stats] [--no-presence] [--timeout MS]
//
// Exits 0 when every check passes, 1 at the first failure.

const { io } = require('socket.io-client');

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
function value(name, fallback) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
}
const url = new URL(argv.find((a, i) => !a.startsWith('--') && !argv[i - 1]?.match(/^--(stats-port|timeout)$/))
  ?? 'http://127.0.0.1:3000');
const timeoutMs = Number(value('timeout', '5000'));
const statsPort = Number(value('stats-port', String(Number(url.port || 80) + 1000)));

function check(condition, what) {
  if (!condition) throw new Error(`FAILED: ${what}`);
  console.log(`ok - ${what}`);
}

/** A client that records every event it gets, so a wait also finds what arrived before it began. */
function client(name) {
  const socket = io(url.href, { transports: ['websocket'], forceNew: true, reconnection: false });
  const seen = [];
  const waiters = new Set();
  socket.onAny((event, payload) => {
    seen.push({ event, payload });
    for (const w of waiters) w();
  });

  function next(event, matches, what) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(look);
        reject(new Error(`FAILED: ${name} did not get ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      function look() {
        const hit = seen.find((e) => e.event === event && matches(e.payload));
        if (!hit) return;
        clearTimeout(timer);
        waiters.delete(look);
        resolve(hit.payload);
      }
      waiters.add(look);
      look();
    });
  }

  const connected = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`FAILED: ${name} did not connect within ${timeoutMs} ms`)), timeoutMs);
    socket.once('connect', () => { clearTimeout(timer); resolve(); });
    socket.once('connect_error', (e) => { clearTimeout(timer); reject(new Error(`FAILED: ${name} connect: ${e.message}`)); });
  });

  const emitWithAck = (event, data) => socket.timeout(timeoutMs).emitWithAck(event, data);
  /** Room and private messages only: Parley also sends notices ("bob has joined") on `new message`. */
  const messages = () => seen.filter((e) => e.event === 'new message' && ['generic', 'private'].includes(e.payload?.type))
    .map((e) => e.payload);
  return { name, socket, connected, next, emitWithAck, messages };
}

async function main() {
  const tag = String(process.pid);
  const roomA = `roomA-${tag}`;
  const roomB = `roomB-${tag}`;
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((n) => client(`${n}-${tag}`));
  const all = [alice, bob, carol];
  try {
    await Promise.all(all.map((c) => c.connected));
    check(true, `three websocket clients connected to ${url.href}`);

    const joinedA = await alice.emitWithAck('join room', { roomname: roomA, username: alice.name });
    check(joinedA.room === roomA && joinedA.username === alice.name, 'join ack has room and username');
    check(Array.isArray(joinedA.members) && joinedA.members.includes(alice.name), 'join ack members include the joiner');
    check(Array.isArray(joinedA.history), 'join ack has a history array');

    const joinedBob = await bob.emitWithAck('join room', { roomname: roomA, username: bob.name });
    check(joinedBob.members.includes(alice.name) && joinedBob.members.includes(bob.name), 'second join ack lists both members');
    if (!flag('no-presence')) {
      await alice.next('presence', (p) => p.room === roomA && p.username === bob.name && p.state === 'joined',
        'presence of bob joining');
      check(true, 'presence {room, username, state: "joined"} reaches the earlier member');
    }
    await carol.emitWithAck('join room', { roomname: roomB, username: carol.name });

    // The sender's claimed username must be ignored: the server uses the name from the join.
    const sent = await alice.emitWithAck('new message', { room: roomA, message: 'hello A', username: 'mallory' });
    check(typeof sent.id === 'string' && typeof sent.time === 'number', 'message ack has id (string) and time (number)');
    const got = await bob.next('new message', (m) => m.message === 'hello A', 'the room message');
    check(got.id === sent.id && got.time === sent.time && got.room === roomA && got.type === 'generic'
      && got.username === alice.name, 'room message {id, time, room, type: "generic", username, message} reaches the other member');

    // A plain text goes to the room joined last; it also orders bob's reply after alice's message.
    bob.socket.emit('new message', 'hello back');
    const back = await alice.next('new message', (m) => m.message === 'hello back', 'the text message');
    check(back.room === roomA && back.username === bob.name && back.type === 'generic', 'text message goes to the last joined room');

    const pm = await alice.emitWithAck('new pm', `@${carol.name} psst`);
    check(typeof pm.id === 'string' && typeof pm.time === 'number', 'pm ack has id and time');
    const gotPm = await carol.next('new message', (m) => m.type === 'private', 'the private message');
    check(gotPm.username === alice.name && gotPm.target === carol.name && gotPm.message === 'psst'
      && typeof gotPm.id === 'string' && typeof gotPm.time === 'number', 'pm {id, time, type: "private", username, message, target} reaches the target');

    carol.socket.emit('new pm', { target: bob.name, message: 'object pm' });
    const gotPm2 = await bob.next('new message', (m) => m.message === 'object pm', 'the {target, message} pm');
    check(gotPm2.type === 'private' && gotPm2.username === carol.name && gotPm2.target === bob.name, '{target, message} pm reaches the target');

    const unknown = await alice.emitWithAck('new pm', `@nobody-${tag} hi`);
    check(unknown.error === true && unknown.code === 'UNKNOWN_USER' && typeof unknown.msg === 'string', 'unknown pm target gives UNKNOWN_USER');

    // Each client has by now received an event sent after any stray copy would have been: none may be there.
    check(!alice.messages().some((m) => m.message === 'hello A'), 'the sender does not get its own room message');
    check(!carol.messages().some((m) => m.type === 'generic'), 'the member of room B gets no message of room A');
    check(!bob.messages().some((m) => m.type === 'private' && m.target !== bob.name), 'nobody else gets a private message');

    if (!flag('no-stats')) {
      const stats = await (await fetch(`http://${url.hostname}:${statsPort}/stats`, { signal: AbortSignal.timeout(timeoutMs * 4) })).json();
      check(['heapUsedAfterGc', 'rss', 'connections'].every((k) => Number.isFinite(stats[k])),
        `GET /stats returns numbers: ${JSON.stringify(stats)}`);
      check(stats.heapUsedAfterGc > 0 && stats.rss > 0 && stats.connections >= 3, 'stats count the heap, the RSS and our three connections');
    }
    console.log('SMOKE PASSED');
  } finally {
    all.forEach((c) => c.socket.disconnect());
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(e.message);
  process.exit(1);
});
