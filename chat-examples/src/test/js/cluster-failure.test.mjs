// Socket.IO on a cluster when something fails: three main-example processes on one private Redis
// and one PostgreSQL database, started by SocketIoClusterFailureIT, which passes their URLs in
// CLUSTER_URLS and, in CONTROL_URL, where to ask it for each failure (POST /redis/kill-pubsub,
// /redis/kill, /redis/start, /redis/restart-empty, /nodes/rejoined, /node/2/freeze, /node/2/thaw,
// /node/2/room-reset, /node/2/evicted, /node/2/kill). The tests run in this order; the last kills node 2.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { URLS, collect, connect, name } from "./cluster-helpers.mjs";

const CONTROL = process.env.CONTROL_URL;
assert.ok(CONTROL, "CONTROL_URL must be set");

/** Asks the JUnit test for a failure, and waits until it is done. */
async function control(action) {
  const reply = await fetch(CONTROL + "/" + action, { method: "POST" });
  assert.equal(reply.status, 200, action + ": " + (await reply.text()));
}

/**
 * A socket on a node, joined to rooms under a name, collecting what it gets, and each later connect
 * (its id, and whether it recovered).
 */
async function member(node, rooms, username, options = {}) {
  const socket = await connect(URLS[node], options);
  const got = collect(socket);
  for (const room of rooms) {
    const joined = await socket.timeout(5000).emitWithAck("join room", { roomname: room, username });
    assert.equal(joined.room, room, JSON.stringify(joined));
  }
  const disconnects = [];
  const connects = [];
  socket.on("disconnect", (reason) => disconnects.push(reason));
  socket.on("connect", () => connects.push({ id: socket.id, recovered: socket.recovered }));
  return { socket, got, username, disconnects, connects };
}

/** What m was told of user's presence in the room, in order: "joined", "left"... */
const presenceOf = (m, room, user) => m.got.got.filter((g) =>
  g.event === "presence" && g.room === room && g.username === user).map((g) => g.state);

/** How many times m was told that user left (or joined) the room. */
const presence = (m, room, user, state) => presenceOf(m, room, user).filter((s) => s === state).length;

/** A client that reconnects by itself, as a stock client does, quickly. */
const reconnecting = { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 200, randomizationFactor: 0 };

/**
 * Joins again unless recovered, as a client does on connect: while its node is still finding
 * out that Redis lost it, a join may fail with CLUSTER_UNAVAILABLE or the node's rejoin close the
 * connection again; so it waits to be connected, joins, and tries again until the join holds.
 * Resolves with the join's acknowledgement, or null if the socket recovered.
 */
async function rejoin(m, room) {
  const deadline = Date.now() + 20000;
  for (;;) {
    if (!m.socket.connected) {
      await when(m.socket, "connect", () => m.socket.connected, m.username + " reconnected");
    }
    if (m.socket.recovered) return null; // back in its rooms
    const reply = await m.socket.timeout(3000).emitWithAck("join room", { roomname: room, username: m.username })
      .catch((e) => ({ error: true, code: e.message }));
    if (!reply.error && m.socket.connected) return reply;
    assert.ok(Date.now() < deadline, m.username + " joined again; last: " + JSON.stringify(reply));
    await pause(250); // paces the retries
  }
}

/** Resolves once `done()` holds, checked now and at each `event` of the socket; rejects after 20 s. */
function when(socket, event, done, what) {
  let timer;
  let listener;
  return new Promise((resolve, reject) => {
    listener = () => done() && resolve();
    socket.on(event, listener);
    listener();
    timer = setTimeout(() => reject(new Error("timed out waiting for " + what)), 20000);
  }).finally(() => {
    clearTimeout(timer);
    socket.off(event, listener);
  });
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fails unless the ids are increasing strings, each once. */
function assertIncreasing(ids, what) {
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1] < ids[i], `${what}: ${ids[i - 1]} before ${ids[i]}`);
}

/**
 * b and c get a message from a, and then one from b: what each got before it has all arrived.
 * Resolves with a's.
 */
async function markers(room, a, b, c) {
  const text = name("marker");
  await a.socket.emitWithAck("new message", { room, message: text });
  for (const m of [b, c]) await m.got.has(text);
  const back = name("marker");
  await b.socket.emitWithAck("new message", { room, message: back });
  await a.got.has(back);
  return text;
}

describe("socket.io-client on a cluster when something fails", () => {
  it("a killed pub/sub subscription loses no room message", async () => {
    const room = name("subscription");
    const sender = await member(0, [room], name("ssender"));
    const receivers = [await member(1, [room], name("srecv")), await member(2, [room], name("srecv"))];
    const sent = [];
    for (let i = 0; i < 30; i++) {
      if (i === 15) await control("redis/kill-pubsub");
      const ack = await sender.socket.emitWithAck("new message", { room, message: "n" + i });
      assert.equal(ack.error, undefined, JSON.stringify(ack));
      sent.push("n" + i);
    }
    for (const r of receivers) {
      // The gap is filled by the next entry, or by the position check (every 5 s).
      await r.got.until(() => r.got.texts(room).length >= sent.length, "all 30 messages", 15000);
      assert.deepEqual(r.got.texts(room), sent, "each message once, in order");
      assertIncreasing(r.got.messages().map((m) => m.id), "message ids");
    }
  });

  it("Redis down: sends fail quickly with CLUSTER_UNAVAILABLE, sockets stay; then sends work again", async () => {
    const room = name("redisdown");
    const [a, b, c] = [await member(0, [room], name("ra")), await member(1, [room], name("rb")),
      await member(2, [room], name("rc"))];
    const ids = [a, b, c].map((m) => m.socket.id);
    let newcomer;

    await control("redis/kill");
    try {
      for (const [m, event, arg] of [[a, "new message", { room, message: "lost" }],
        [b, "join room", { roomname: name("elsewhere") }], [c, "new pm", { target: a.username, message: "lost" }]]) {
        const start = Date.now();
        const reply = await m.socket.timeout(5000).emitWithAck(event, arg);
        assert.ok(Date.now() - start < 5000, `${event} took ${Date.now() - start} ms to fail`);
        assert.equal(reply.error, true, JSON.stringify(reply));
        assert.equal(reply.code, "CLUSTER_UNAVAILABLE", JSON.stringify(reply));
      }
      // A new client still connects; what it asks of the cluster fails the same way.
      const late = await connect(URLS[1]);
      const refused = await late.timeout(5000).emitWithAck("join room", { roomname: room, username: name("rlate") });
      assert.equal(refused.code, "CLUSTER_UNAVAILABLE", JSON.stringify(refused));
      newcomer = { socket: late, got: collect(late) };
    } finally {
      await control("redis/start");
    }

    // The nodes reconnect within Lettuce's back-off: send until a message goes through.
    const deadline = Date.now() + 20000;
    for (;;) {
      const ack = await a.socket.timeout(5000).emitWithAck("new message", { room, message: "back again" });
      if (!ack.error) break;
      assert.ok(Date.now() < deadline, "a message went through once Redis was back; last: " + JSON.stringify(ack));
      await pause(250); // paces the retries
    }
    await markers(room, a, b, c);
    // Node 1 sent b's marker: it is back on Redis, and its newcomer can join now.
    const joined = await newcomer.socket.emitWithAck("join room", { roomname: room, username: name("rlate") });
    assert.equal(joined.room, room, "the client that connected while Redis was down joins: " + JSON.stringify(joined));
    await newcomer.got.has(await markers(room, a, b, c));
    for (const m of [b, c]) {
      assert.deepEqual(m.got.texts(room).filter((t) => t === "back again" || t === "lost"), ["back again"],
          m.username + " got the message once, and never the failed one");
    }
    for (const [i, m] of [a, b, c].entries()) {
      assert.deepEqual(m.disconnects, [], m.username + " stayed connected");
      assert.equal(m.socket.id, ids[i], m.username + "'s socket is the same");
    }
    // c joined just before Redis went away, often before its node published that: it is told once
    // Redis is back (the node tries every second). Twice if Redis took the entry but was killed
    // before it answered (docs/cluster.md, presence in flight).
    for (const m of [a, b]) {
      await m.got.until(() => presence(m, room, c.username, "joined") > 0, m.username + " told rc joined", 5000);
      assert.equal(presence(m, room, c.username, "left"), 0, m.username + " never told rc left");
    }
  });

  it("Redis back without its data: stock clients are told to reconnect, do so by themselves, and are back in their room or join again", async () => {
    const room = name("forgotten");
    const members = [];
    for (let n = 0; n < 3; n++) {
      const socket = await connect(URLS[n], reconnecting);
      const username = name("n");
      const disconnects = [];
      const connects = [];
      socket.on("disconnect", (reason) => disconnects.push(reason));
      socket.on("connect", () => connects.push({ id: socket.id, recovered: socket.recovered }));
      assert.equal((await socket.emitWithAck("join room", { roomname: room, username })).room, room);
      members.push({ socket, username, disconnects, connects, got: collect(socket) });
    }

    await control("redis/restart-empty");
    for (const m of members) {
      await when(m.socket, "disconnect", () => m.disconnects.length > 0, m.username + " told to reconnect");
      // "io server disconnect" would leave a stock client disconnected for good.
      assert.notEqual(m.disconnects[0], "io server disconnect", m.username + " may reconnect by itself");
      await when(m.socket, "connect", () => m.socket.connected, m.username + " reconnected");
    }
    // A room reset closes clients too: only the nodes can tell that they all rejoined the cluster.
    await control("nodes/rejoined");

    // A recovered socket is in its room again; one that was not joins again, as its app does.
    for (const m of members) await rejoin(m, room);
    const text = "after the loss";
    const deadline = Date.now() + 20000;
    for (;;) {
      const ack = await members[0].socket.timeout(5000).emitWithAck("new message", { room, message: text });
      if (!ack.error) break;
      assert.notEqual(ack.code, "NOT_IN_ROOM", members[0].username + " is in its room: " + JSON.stringify(members[0].connects));
      assert.ok(Date.now() < deadline, "a message went through after the loss; last: " + JSON.stringify(ack));
      await pause(250); // paces the retries
    }
    for (const m of members.slice(1)) {
      // Never recovered but in no room: it would miss the room's messages for good.
      await m.got.has(text).catch((e) => assert.fail(m.username + " is in its room: " + JSON.stringify(m.connects) + "; " + e.message));
    }
  });

  it("one room reset on one node (it missed more than the room's log holds): its clients come back by themselves, not recovered, join again and lose nothing that was acked", async () => {
    const room = name("reset");
    const senders = [];
    for (let k = 0; k < 10; k++) senders.push(await member(k % 2, [room], name("rs")));
    const r = await member(2, [room], name("rr"), reconnecting);
    const seenBefore = r.got.messages().length;

    // Node 2 cannot read while its subscription is cut: every message sent meanwhile is a gap for it,
    // far longer than the room's log (101 messages; Redis trims the stream in nodes of 100 entries),
    // so the log cannot fill it.
    await control("node/2/freeze");
    const acked = [];
    try {
      await control("redis/kill-pubsub");
      // 36 each, within a connection's burst of 40 requests.
      await Promise.all(senders.map(async (s, k) => {
        for (let i = 0; i < 36; i++) {
          const text = `r${k}-${i}`;
          const ack = await s.socket.timeout(5000).emitWithAck("new message", { room, message: text });
          assert.equal(ack.error, undefined, JSON.stringify(ack));
          acked.push(text);
        }
      }));
    } finally {
      await control("node/2/thaw");
    }
    await control("node/2/room-reset");
    await when(r.socket, "disconnect", () => r.disconnects.length > 0, "rr told to reconnect");
    assert.notEqual(r.disconnects[0], "io server disconnect", "rr may reconnect by itself");
    const joined = await rejoin(r, room);
    assert.equal(r.socket.recovered, false, "the room's log no longer holds what rr missed: " + JSON.stringify(r.connects));

    // Nothing acked is lost: what rr got live, its join's history and the pages before it hold every message.
    const have = new Set(r.got.messages().map((g) => g.message));
    joined.history.forEach((m) => have.add(m.message));
    for (let before = joined.history[0]?.id; before && acked.some((t) => !have.has(t));) {
      const page = await r.socket.timeout(5000).emitWithAck("history", { room, before, limit: 50 });
      page.messages.forEach((m) => have.add(m.message));
      before = page.messages[0]?.id;
    }
    assert.deepEqual(acked.filter((t) => !have.has(t)), [], "acknowledged messages rr cannot see");
    assert.equal(r.got.messages().length, seenBefore, "nothing of the gap reached rr live: it was never silent");

    await markers(room, senders[0], r, senders[1]);
    for (const s of senders) {
      // Left at the reset, and back. The failed recovery joined and left again in between (it could
      // not know before it tried): one more pair, never a change told twice.
      const told = presenceOf(s, room, r.username);
      assert.ok(told.every((state, i) => state === (i % 2 === 0 ? "joined" : "left")) && told.length % 2 === 1
          && told.length >= 3, s.username + " told of rr: " + JSON.stringify(told));
    }
  });

  it("a frozen node: its clients are closed when it resumes, come back by themselves, recovered or joined again, and nobody sees them leave twice", async () => {
    const room = name("frozen");
    const a = await member(0, [room], name("fa"));
    const b = await member(1, [room], name("fb"));
    const f = await member(2, [room], name("ff"), reconnecting);

    await control("node/2/freeze");
    try {
      await a.got.until(() => presence(a, room, f.username, "left") > 0, "ff leaving with its frozen node", 15000);
      const ack = await a.socket.emitWithAck("new message", { room, message: "while frozen" });
      assert.equal(ack.error, undefined, JSON.stringify(ack));
      await b.got.has("while frozen");
    } finally {
      await control("node/2/thaw");
    }
    await when(f.socket, "disconnect", () => f.disconnects.length > 0, "ff told to reconnect");
    assert.notEqual(f.disconnects[0], "io server disconnect", "ff may reconnect by itself");
    await control("node/2/evicted");
    const joined = await rejoin(f, room);
    if (joined === null) {
      // Recovered: the message sent while its node was frozen came once, live or replayed.
      assert.deepEqual(f.got.texts(room).filter((t) => t === "while frozen"), ["while frozen"], JSON.stringify(f.connects));
    } else {
      assert.ok(joined.history.some((m) => m.message === "while frozen"), "the rejoin's history: " + JSON.stringify(joined));
    }

    await markers(room, a, f, b);
    for (const m of [a, b]) {
      // Left once, when its node was reaped, and back once; its node's eviction told nobody again.
      assert.deepEqual(presenceOf(m, room, f.username), ["joined", "left", "joined"],
          m.username + " told of ff; ff's connects: " + JSON.stringify(f.connects));
    }
  });

  it("kill -9 of a node: its users leave every room once within 15 s, and chat goes on", async () => {
    const [k1, k2] = [name("k"), name("k")];
    const a = await member(0, [k1, k2], name("ka"));
    const b = await member(1, [k1, k2], name("kb"));
    const v1 = await member(2, [k1, k2], name("kv"));
    const v2 = await member(2, [k1], name("kv"));
    const gone = [[k1, v1.username], [k2, v1.username], [k1, v2.username]];
    const left = (m, room, user) => presence(m, room, user, "left");
    const notices = (m, room, user) => m.got.got.filter((g) =>
      g.event === "new message" && g.type === "notice" && g.room === room && g.message === user + " has left").length;

    await control("node/2/kill");
    const killed = Date.now();
    for (let i = 0; ; i++) {
      // Chat between the live nodes goes on while the dead one is not reaped yet.
      const text = "live " + i;
      const ack = await a.socket.emitWithAck("new message", { room: k1, message: text });
      assert.equal(ack.error, undefined, JSON.stringify(ack));
      await b.got.has(text, 3000);
      if ([a, b].every((m) => gone.every(([room, user]) => left(m, room, user) > 0))) break;
      assert.ok(Date.now() - killed < 15000, "the dead node's users left within 15 s");
      await pause(250); // paces the live messages: about four a second
    }
    for (const room of [k1, k2]) await markers(room, a, b, b);
    for (const m of [a, b]) {
      for (const [room, user] of gone) {
        assert.equal(left(m, room, user), 1, `${m.username} told ${user} left once`);
        assert.equal(notices(m, room, user), 1, `${m.username}'s notices that ${user} left`);
      }
      assert.equal(left(m, k2, v2.username), 0, "v2 was never in k2");
      assertIncreasing(m.got.messages().filter((g) => g.room === k1).map((g) => g.id), "message ids");
    }
  });
});
