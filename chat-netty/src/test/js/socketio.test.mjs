// Drives Parley with the official socket.io client over each transport mode.
// The server under test is started by SocketIoClientIT, which passes its URL in PARLEY_URL.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import WebSocket from "ws";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import vm from "node:vm";
import { within } from "./within.mjs";

const URL = process.env.PARLEY_URL;
assert.ok(URL, "PARLEY_URL must be set");
/** A second server, with offline messages on, for connection state recovery. */
const RECOVERY_URL = process.env.PARLEY_RECOVERY_URL;
assert.ok(RECOVERY_URL, "PARLEY_RECOVERY_URL must be set");

const MODES = {
  "websocket only": { transports: ["websocket"] },
  "polling only": { transports: ["polling"] },
  "polling then upgrade": { transports: ["polling", "websocket"] },
};

const open = [];
after(() => open.forEach((s) => s.close()));

function connect(mode, path = "", options = {}, base = URL) {
  const socket = io(base + path, { ...MODES[mode], forceNew: true, reconnection: false, ...options });
  open.push(socket);
  return within(new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  }), "connect " + path);
}

function next(socket, event) {
  return within(new Promise((resolve) => socket.once(event, (...args) => resolve(args))), "event " + event);
}

let unique = 0;
const name = (base) => `${base}${++unique}`;
/** ChatConfig.maxRecoveredMessages of the recovery server SocketIoClientIT starts. */
const MAX_RECOVERED = 20;

/**
 * A chat client that reconnects by itself, as a stock client does, but whose reconnections wait at
 * a gate: its engine comes back by the client's own logic, and the Socket.IO CONNECT (which carries
 * the private id and offset) goes out only when the test calls reconnect().
 */
async function gated(mode) {
  let gate = null;
  const socket = io(RECOVERY_URL, {
    ...MODES[mode], forceNew: true, reconnectionDelay: 20, reconnectionDelayMax: 50,
    auth: (send) => (gate ? gate.promise.then(() => send({})) : send({})),
  });
  open.push(socket);
  await within(new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  }), "connect");
  return {
    socket,
    /**
     * Drops the connection as a network failure would; resolves once the server let the user go,
     * as a witness in all the user's rooms sees it leave each.
     */
    async drop(witness, user, rooms) {
      let open;
      gate = { promise: new Promise((r) => { open = r; }) };
      gate.open = open;
      let left = 0;
      const gone = within(new Promise((resolve) => witness.on("presence", (p) => {
        if (p.username === user && p.state === "left" && ++left === rooms) resolve();
      })), user + " leaving");
      socket.io.engine.close();
      await gone;
    },
    /** Lets the pending reconnection through; resolves on its connect. */
    async reconnect() {
      const connected = within(new Promise((resolve) => socket.once("connect", resolve)), "reconnect");
      gate.open();
      await connected;
    },
  };
}

/** Collects a socket's `new message` events of one type, with the arguments after the message. */
function collect(socket, type) {
  const got = [];
  let waiting = [];
  socket.on("new message", (m, ...rest) => {
    if (m.type !== type) return;
    got.push({ ...m, rest });
    waiting = waiting.filter((w) => (got.length >= w.n ? (w.resolve(), false) : true));
  });
  return {
    got,
    count: (n, what) => within(new Promise((resolve) => {
      if (got.length >= n) resolve();
      else waiting.push({ n, resolve });
    }), what),
  };
}
const generic = (socket) => collect(socket, "generic");
const privates = (socket) => collect(socket, "private");

for (const mode of Object.keys(MODES)) {
  describe(`socket.io-client (${mode})`, () => {
    it("ends up on the expected transport", async () => {
      const s = await connect(mode);
      if (mode === "polling then upgrade") {
        if (s.io.engine.transport.name !== "websocket") {
          await within(new Promise((r) => s.io.engine.once("upgrade", r)), "upgrade");
        }
        assert.equal(s.io.engine.transport.name, "websocket");
      } else {
        assert.equal(s.io.engine.transport.name, MODES[mode].transports[0]);
      }
    });

    it("chats in rooms with the rooms seed's events", async () => {
      const room = name("room");
      const alice = await connect(mode);
      const bob = await connect(mode);
      const carol = await connect(mode);
      const aliceName = name("alice");
      const bobName = name("bob");
      const joined = await alice.emitWithAck("join room", { roomname: room, username: aliceName });
      assert.deepEqual(joined.members, [aliceName]);
      const presence = next(alice, "presence");
      await bob.emitWithAck("join room", { roomname: room, username: bobName });
      assert.deepEqual((await presence)[0], { room, username: bobName, state: "joined" });
      await carol.emitWithAck("join room", { roomname: name("other"), username: name("carol") });

      const received = within(new Promise((resolve) => bob.on("new message", (m) => m.type === "generic" && resolve(m))), "bob's message");
      carol.on("new message", (m) => { if (m.type === "generic") assert.fail("carol is in another room: " + JSON.stringify(m)); });
      const ack = await alice.emitWithAck("new message", "hello bob");
      const m = await received;
      assert.equal(m.username, aliceName, "the server stamps the sender");
      assert.equal(m.message, "hello bob");
      assert.equal(m.room, room);
      assert.equal(ack.id, m.id);

      const pm = within(new Promise((resolve) => bob.on("new message", (x) => x.type === "private" && resolve(x))), "private message");
      await alice.emitWithAck("new pm", `@${bobName} just you`);
      const p = await pm;
      assert.equal(p.message, "just you");
      assert.equal(p.target, bobName);
    });

    it("tells a room and a private recipient who is typing, stops it with the message, and refuses a notice too many", async () => {
      const room = name("room");
      const alice = await connect(mode);
      const bob = await connect(mode);
      const aliceName = name("alice");
      const bobName = name("bob");
      await alice.emitWithAck("join room", { roomname: room, username: aliceName });
      await bob.emitWithAck("join room", { roomname: room, username: bobName });
      alice.on("typing", () => assert.fail("the typer is not told of itself"));

      const started = next(bob, "typing");
      alice.emit("typing", { room });
      assert.deepEqual((await started)[0], { room, username: aliceName, typing: true, expiresIn: 6000 });
      const stopped = next(bob, "typing");
      const message = next(bob, "new message");
      await alice.emitWithAck("new message", "done typing");
      assert.equal((await message)[0].message, "done typing");
      assert.deepEqual((await stopped)[0], { room, username: aliceName, typing: false, expiresIn: 0 });

      const privately = next(bob, "typing");
      alice.emit("typing", { target: "@" + bobName });
      assert.deepEqual((await privately)[0], { username: aliceName, target: bobName, typing: true, expiresIn: 6000 });
      // Two a second with bursts of two: of five at once, some are refused (a success has no ack).
      const refused = await within(new Promise((resolve) => {
        for (let i = 0; i < 5; i++) {
          alice.emit("typing", { room }, (reply) => resolve(reply));
        }
      }), "a refusal");
      assert.equal(refused.code, "TYPING_TOO_FAST");
    });

    it("lets a moderator kick, mute and ban, as the moderation hook allows", async () => {
      const room = name("room");
      const mod = await connect(mode);
      const bob = await connect(mode);
      const modName = name("mod");
      const bobName = name("bob");
      await mod.emitWithAck("join room", { roomname: room, username: modName });
      await bob.emitWithAck("join room", { roomname: room, username: bobName });
      await bob.emitWithAck("join room", { roomname: name("elsewhere") });

      const refused = await bob.emitWithAck("moderate", { room, username: modName, action: "kick" });
      assert.equal(refused.code, "NOT_A_MODERATOR");

      const muted = next(bob, "muted");
      assert.deepEqual(await mod.emitWithAck("moderate", { room, username: bobName, action: "mute", duration: 60, reason: "shh" }),
        { room, username: bobName, action: "mute" });
      const m = (await muted)[0];
      assert.equal(m.room, room);
      assert.equal(m.reason, "shh");
      assert.ok(m.until > Date.now(), "until is in epoch milliseconds");
      assert.equal((await bob.emitWithAck("new message", { room, message: "hello?" })).code, "MUTED");

      const kicked = next(bob, "kicked");
      await mod.emitWithAck("moderate", { room, username: bobName, action: "ban", reason: "enough" });
      assert.deepEqual((await kicked)[0], { room, reason: "enough", banned: true });
      const again = await bob.emitWithAck("join room", { roomname: room });
      assert.equal(again.code, "BANNED");
      assert.equal(bob.connected, true, "kicked from one room, still connected");

      const listed = await mod.emitWithAck("moderate", { room, action: "list" });
      assert.equal(listed.room, room);
      assert.deepEqual(listed.restrictions.map((r) => [r.kind, r.username, r.until, r.reason]),
        [["ban", bobName, null, "enough"], ["mute", bobName, m.until, "shh"]], "bans first, then mutes");
      const other = name("other");
      await bob.emitWithAck("join room", { roomname: other });
      assert.equal((await bob.emitWithAck("moderate", { room: other, action: "list" })).code, "NOT_A_MODERATOR");
    });

    it("answers a join with the read marker and unread count, and tells a private sender of delivery and reading", async () => {
      const room = name("room");
      const alice = await connect(mode);
      const bob = await connect(mode);
      const aliceName = name("alice");
      const bobName = name("bob");
      await alice.emitWithAck("join room", { roomname: room, username: aliceName });
      const first = await bob.emitWithAck("join room", { roomname: room, username: bobName });
      assert.equal(first.unread, 0);
      assert.equal(first.lastRead, undefined);
      const said = await alice.emitWithAck("new message", { room, message: "one" });
      await alice.emitWithAck("new message", { room, message: "two" });

      bob.emit("read", { room, through: said.id });
      const again = await bob.emitWithAck("join room", { roomname: room });
      assert.equal(again.lastRead, said.id);
      assert.equal(again.unread, 1);

      const delivered = next(alice, "delivered");
      const got = next(bob, "new message");
      const sent = await alice.emitWithAck("new pm", { target: bobName, message: "psst" });
      assert.equal((await got)[0].id, sent.id);
      const receipt = (await delivered)[0];
      assert.equal(receipt.messageId, sent.id);
      assert.equal(receipt.target, bobName);
      assert.match(receipt.connection, /^[0-9a-f]{16}$/);
      const read = next(alice, "read");
      bob.emit("read", { from: "@" + aliceName, through: sent.id });
      assert.deepEqual((await read)[0], { username: bobName, target: aliceName, through: sent.id });

      const refused = await bob.emitWithAck("read", { room, from: aliceName, through: sent.id });
      assert.equal(refused.code, "BAD_REQUEST");
    });

    it("lets the sender edit and delete a message: the room gets edited and deleted, acknowledged with the new version", async () => {
      const room = name("room");
      const amy = await connect(mode);
      const ben = await connect(mode);
      await amy.emitWithAck("join room", { roomname: room, username: name("amy") });
      await ben.emitWithAck("join room", { roomname: room, username: name("ben") });
      const sent = await amy.emitWithAck("new message", { room, message: "helo" });

      const refused = await ben.emitWithAck("edit", { room, id: sent.id, message: "mine now" });
      assert.equal(refused.code, "FORBIDDEN");

      const edited = next(ben, "edited");
      const ack = await amy.emitWithAck("edit", { room, id: sent.id, message: "hello", data: { fixed: true } });
      const got = (await edited)[0];
      assert.deepEqual(got, ack);
      assert.equal(got.id, sent.id);
      assert.equal(got.message, "hello");
      assert.deepEqual(got.data, { fixed: true });
      assert.ok(got.edited >= sent.time, "edited is in epoch milliseconds");
      assert.ok(got.revision > sent.id, "the change's place comes after the message");

      const deleted = next(ben, "deleted");
      const tombstone = await amy.emitWithAck("delete", { room, id: sent.id });
      assert.deepEqual((await deleted)[0], tombstone);
      assert.equal(tombstone.deleted, true);
      assert.equal(tombstone.message, "");
      assert.equal(tombstone.data, undefined);
      assert.equal((await amy.emitWithAck("delete", { room, id: sent.id })).code, "UNKNOWN_MESSAGE");
      const page = await ben.emitWithAck("history", { room });
      assert.deepEqual(page.messages.find((m) => m.id === sent.id), tombstone, "history holds the tombstone");
    });

    it("reports errors the way the rooms seed does", async () => {
      const s = await connect(mode);
      const error = next(s, "new message");
      s.emit("new message", "anyone?");
      assert.deepEqual((await error)[0], { error: true, code: "NOT_IN_ROOM", msg: "You're not part of a room yet" });
      await s.emitWithAck("join room", { roomname: name("room"), username: name("dave") });
      const reply = await s.emitWithAck("new pm", "@nobody hello");
      assert.equal(reply.error, true);
      assert.equal(reply.code, "UNKNOWN_USER");
    });

    it("refuses a connection the connect handler rejects, with its message and data", async () => {
      await assert.rejects(connect(mode, "/echo", { auth: { token: "wrong" } }), (err) => {
        assert.equal(err.message, "Not authorized");
        assert.deepEqual(err.data, { reason: "bad token" });
        return true;
      });
    });

    it("turns a refusal by the chat server's connect hook into connect_error", async () => {
      await assert.rejects(connect(mode, "", { query: { banned: "yes" } }), /You are banned/);
      const ok = await connect(mode);
      assert.ok(ok.connected);
    });

    it("passes the auth payload to the chat server's connect hook", async () => {
      const who = name("zoe");
      const s = await connect(mode, "", { auth: { name: who } });
      const joined = await s.emitWithAck("join room", { roomname: name("room") });
      assert.equal(joined.username, who);
    });

    it("refuses an unknown namespace", async () => {
      await assert.rejects(connect(mode, "/nowhere"), /Invalid namespace/);
    });

    it("passes the auth payload and query to the handshake", async () => {
      const s = await connect(mode, "/echo", { auth: { token: "secret", extra: 1 }, query: { q: "v" } });
      const hs = await s.emitWithAck("handshake");
      assert.deepEqual(hs.auth, { token: "secret", extra: 1 });
      assert.equal(hs.query, "v");
    });

    it("echoes events, acks and binary both ways", async () => {
      const s = await connect(mode, "/echo", { auth: { token: "secret" } });
      const echoed = next(s, "echo");
      s.emit("echo", 1, "two", { three: [true, null], four: null });
      assert.deepEqual(await echoed, [1, "two", { three: [true, null], four: null }]);

      const bytes = Buffer.from([1, 2, 3, 255]);
      const binary = next(s, "echo");
      s.emit("echo", { file: bytes, name: "f" }, bytes);
      const [obj, raw] = await binary;
      assert.deepEqual(Buffer.from(obj.file), bytes);
      assert.equal(obj.name, "f");
      assert.deepEqual(Buffer.from(raw), bytes);

      const acked = await s.emitWithAck("echo-ack", "a", Buffer.from([9]));
      assert.equal(acked, "a");

      // Messages up to maxPayload, over either transport (more than a WebSocket frame's 64 KiB).
      const big = "x".repeat(200_000);
      const bigEcho = next(s, "echo");
      s.emit("echo", big);
      assert.equal((await bigEcho)[0].length, big.length);
    });

    it("answers the server's acks, and the server times out on a silent client", async () => {
      const s = await connect(mode, "/echo", { auth: { token: "secret" } });
      s.on("question", (q, ack) => ack(q + "!"));
      const answer = next(s, "answer-was");
      s.emit("ask-me", "why");
      assert.deepEqual(await answer, ["why!"]);

      s.on("ignored-question", () => {});
      const timedOut = next(s, "ack-timed-out");
      s.emit("ask-me-and-wait");
      assert.deepEqual(await timedOut, [true]);
    });

    it("delivers to rooms, leaving out the sender", async () => {
      const room = name("r");
      const a = await connect(mode, "/echo", { auth: { token: "secret" } });
      const b = await connect(mode, "/echo", { auth: { token: "secret" } });
      const c = await connect(mode, "/echo", { auth: { token: "secret" } });
      await a.emitWithAck("join", room);
      await b.emitWithAck("join", room);
      let cGot = false;
      c.on("room-message", () => { cGot = true; });
      a.on("room-message", () => assert.fail("the sender is left out"));
      const got = next(b, "room-message");
      a.emit("to-room", room, "hi room");
      assert.deepEqual(await got, ["hi room"]);
      // c is not in the room; a round trip to c proves the broadcast did not reach it first.
      await c.emitWithAck("echo-ack", "sync");
      assert.equal(cGot, false);
    });

    it("reaches one socket through the room named by its id, until it leaves that room", async () => {
      const room = name("r");
      const a = await connect(mode, "/echo", { auth: { token: "secret" } });
      const b = await connect(mode, "/echo", { auth: { token: "secret" } });
      await b.emitWithAck("join", room);
      assert.deepEqual(await b.emitWithAck("rooms"), [room, b.id].sort());
      const got = next(b, "room-message");
      a.emit("to-room", b.id, "just you");
      assert.deepEqual(await got, ["just you"]);

      await b.emitWithAck("leave", b.id);
      assert.deepEqual(await b.emitWithAck("rooms"), [room]);
      let late = false;
      b.on("room-message", () => { late = true; });
      a.emit("to-room", b.id, "not any more");
      // a's event is handled before its echo; b's round trip then proves nothing reached b.
      await a.emitWithAck("echo-ack", "sync");
      await b.emitWithAck("echo-ack", "sync");
      assert.equal(late, false);
    });

    it("puts a room's sockets in another room, takes them out, and disconnects them, from server code", async () => {
      const [from, to] = [name("from"), name("to")];
      const secret = { auth: { token: "secret" } };
      const a = await connect(mode, "/echo", secret);
      const b = await connect(mode, "/echo", secret);
      const c = await connect(mode, "/echo", secret);
      await a.emitWithAck("join", from);
      await b.emitWithAck("join", from);
      assert.equal(await c.emitWithAck("gather", from, to), "done");
      assert.deepEqual(await a.emitWithAck("rooms"), [from, to, a.id].sort());
      assert.deepEqual(await c.emitWithAck("rooms"), [c.id]);
      const got = [next(a, "room-message"), next(b, "room-message")];
      c.emit("to-room", to, "gathered");
      assert.deepEqual(await Promise.all(got), [["gathered"], ["gathered"]]);

      assert.equal(await c.emitWithAck("scatter", from, to), "done");
      assert.deepEqual(await b.emitWithAck("rooms"), [from, b.id].sort());

      const reasons = [next(a, "disconnect"), next(b, "disconnect")];
      assert.equal(await c.emitWithAck("kick-room", from), "done");
      assert.deepEqual((await Promise.all(reasons)).map((r) => r[0]), ["io server disconnect", "io server disconnect"]);
      assert.ok(c.connected, "a socket outside the room stays");
      assert.equal(await c.emitWithAck("echo-ack", "still here"), "still here");
    });

    it("runs a namespace's setup before the client is told it is connected", async () => {
      const other = await connect(mode, "/setup");
      const s = io(URL + "/setup", { ...MODES[mode], forceNew: true, reconnection: false });
      open.push(s);
      const early = within(new Promise((resolve) => s.once("during setup", resolve)), "the setup's emit");
      const heard = within(new Promise((resolve) => s.once("set-up says", resolve)), "the room emit");
      await within(new Promise((resolve) => s.once("connect", resolve)), "connect");
      // At once on connect: the setup's room is already joined, though the setup took 300 ms.
      assert.equal(await other.emitWithAck("to-set-up", "welcome"), "sent");
      assert.equal(await heard, "welcome");
      assert.equal(await early, "hello", "an emit of the setup reaches the client, which holds it until connected");
    });

    it("runs every handler of an event, connect and connection in order, and the connect middlewares", async () => {
      const s = await connect(mode, "/more");
      const { steps, rooms } = await s.emitWithAck("steps");
      assert.equal(steps, "use1,setup,use2", "use and onSetup run in the order they were registered");
      assert.deepEqual(rooms, ["first", "second", s.id].sort(), "both connection handlers ran");
      const first = next(s, "first handler");
      const second = next(s, "second handler");
      assert.equal(await s.emitWithAck("twice", "x"), "second", "the first ack sent is the one the client gets");
      assert.deepEqual(await first, ["x"]);
      assert.deepEqual(await second, ["x"]);

      await assert.rejects(connect(mode, "/more", { auth: { second: "no" } }), (err) => {
        assert.equal(err.message, "second says no", "a later connect handler may refuse");
        return true;
      });
      await assert.rejects(connect(mode, "/more", { auth: { mw: "deny" } }), (err) => {
        assert.equal(err.message, "Denied by middleware");
        assert.deepEqual(err.data, { step: 1 });
        return true;
      });
      await assert.rejects(connect(mode, "/more", { auth: { mw: "throw" } }), (err) => {
        assert.equal(err.message, "Server error", "a middleware that throws refuses with a generic message");
        return true;
      });
    });

    it("tells an any-handler every event until it is removed, and lets a socket middleware refuse events", async () => {
      const s = await connect(mode, "/more");
      const any = [];
      s.on("any", (event, count) => any.push([event, count]));
      const refused = next(s, "refused");
      let ran = false;
      s.emit("forbidden", (answer) => { ran = answer; });
      assert.deepEqual(await refused, ["event forbidden is not allowed"], "the socket's error handler had the refusal");
      await s.emitWithAck("twice", 1, 2);
      assert.deepEqual(any, [["twice", 2]], "the refused event reached no any-handler, the next one did");
      assert.equal(ran, false, "a refused event gets no acknowledgement");
      assert.equal(await s.emitWithAck("off-any"), "off");
      await s.emitWithAck("twice", 3);
      assert.deepEqual(any.map((a) => a[0]), ["twice", "off-any"], "no any-handler after offAny");
    });

    it("runs an any-handler added with prependAny before the others", async () => {
      const s = await connect(mode, "/more");
      const order = [];
      s.on("any", (event) => order.push("any " + event));
      s.on("any first", (event) => order.push("any first " + event));
      assert.equal(await s.emitWithAck("prepend-any"), "prepended");
      await s.emitWithAck("twice", 1);
      assert.deepEqual(order.filter((o) => o.endsWith("twice")), ["any first twice", "any twice"]);
    });

    it("removes one event handler with off, and the others still run", async () => {
      const s = await connect(mode, "/more");
      const event = name("armed");
      assert.equal(await s.emitWithAck("arm", event), "armed");
      assert.equal(await s.emitWithAck(event), "first");
      assert.equal(await s.emitWithAck("disarm", event), "disarmed");
      assert.equal(await s.emitWithAck(event), "second", "the removed handler no longer answers");
    });

    it("collects a room's acknowledgements, and gives the ones that came when one is missing", async () => {
      const room = name("askers");
      const [asker, a, b, silent] = await Promise.all([0, 1, 2, 3].map(() => connect(mode, "/more")));
      a.on("question", (q, cb) => cb("red from a"));
      b.on("question", (q, cb) => cb("blue from b", q));
      silent.on("question", () => {});
      await a.emitWithAck("join", room);
      await b.emitWithAck("join", room);
      const all = await asker.emitWithAck("poll", room, 2000);
      assert.equal(all.ok, true);
      assert.deepEqual(all.responses.map((r) => r[0]).sort(), ["blue from b", "red from a"]);
      assert.deepEqual(all.responses.find((r) => r.length === 2), ["blue from b", "favourite colour?"]);
      assert.deepEqual(await asker.emitWithAck("poll", name("empty"), 2000), { ok: true, responses: [] });

      await silent.emitWithAck("join", room);
      const some = await asker.emitWithAck("poll", room, 300);
      assert.equal(some.ok, false);
      assert.equal(some.error, "AckTimeoutException");
      assert.deepEqual(some.responses.map((r) => r[0]).sort(), ["blue from b", "red from a"]);
    });

    it("sends a volatile emit to an idle client and drops those that would wait behind a queue", async () => {
      const s = await connect(mode, "/echo", { auth: { token: "secret" } });
      if (mode === "polling then upgrade" && s.io.engine.transport.name !== "websocket") {
        await within(new Promise((r) => s.io.engine.once("upgrade", r)), "upgrade"); // none during an upgrade
      }
      let got = [];
      s.on("v", (v) => got.push(v));
      let bigs = 0;
      s.on("big", () => { bigs++; });
      const send = async (what) => {
        const done = next(s, "v-done");
        s.emit("volatile", what);
        await done;
      };
      // Idle: on long-polling that needs the client's next poll to be waiting already, which it
      // nearly always is; a few tries rule out the rare moment between two polls.
      for (let i = 0; i < 5 && got.length === 0; i++) await send("idle");
      assert.deepEqual(got, ["idle"]);
      got = [];
      await send("queued");
      assert.equal(bigs, 2);
      // On long-polling none gets through (the poll is taken by the first big emit); on WebSocket
      // one may, when the connection drained everything just before it.
      assert.ok(got.length < 50, `${got.length} of 50 volatile emits behind a queue were sent`);
      assert.deepEqual(got, [...got].sort((a, b) => a - b), "those sent keep their order");
      if (MODES[mode].transports.length === 1 && MODES[mode].transports[0] === "polling") assert.deepEqual(got, []);
    });

    it("tells the client when the server disconnects it, and it does not reconnect", async () => {
      const s = await connect(mode, "/echo", { auth: { token: "secret" } });
      const reason = next(s, "disconnect");
      s.emit("kick-me");
      assert.equal((await reason)[0], "io server disconnect");
    });

    it("reconnects by itself after the transport drops; a namespace of the application does not recover", async () => {
      const s = io(URL + "/echo", { ...MODES[mode], forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 100,
        auth: { token: "secret" } });
      open.push(s);
      await within(new Promise((r) => s.once("connect", r)), "first connect");
      const firstId = s.id;
      const reconnected = within(new Promise((r) => s.io.once("reconnect", r)), "reconnect");
      s.io.engine.close(); // the transport goes away as a network failure would
      await reconnected;
      await within(new Promise((r) => (s.connected ? r() : s.once("connect", r))), "connect after reconnect");
      assert.notEqual(s.id, firstId);
      assert.ok(!s.recovered, "no private id was offered, so the client does not even try");
      assert.deepEqual(await s.emitWithAck("echo-ack", "still here"), "still here");
    });

    it("recovers a dropped chat connection: same id, rooms and name, every missed message in order before live ones", async () => {
      const [lobby, kitchen] = [name("lobby"), name("kitchen")];
      const amyName = name("amy");
      const benName = name("ben");
      const amy = await gated(mode);
      assert.equal(amy.socket.recovered, false);
      await amy.socket.emitWithAck("join room", { roomname: lobby, username: amyName });
      await amy.socket.emitWithAck("join room", { roomname: kitchen });
      const amyGot = generic(amy.socket);
      const amyPrivate = privates(amy.socket);
      const ben = await connect(mode, "", {}, RECOVERY_URL);
      await ben.emitWithAck("join room", { roomname: lobby, username: benName });
      await ben.emitWithAck("join room", { roomname: kitchen });
      await ben.emitWithAck("new message", { room: lobby, message: "before" });
      await amyGot.count(1, "the message before the drop");

      const id = amy.socket.id;
      await amy.drop(ben, amyName, 2);
      const missed = { [lobby]: [], [kitchen]: [] };
      for (let i = 1; i <= 12; i++) {
        const room = i % 3 === 0 ? kitchen : lobby;
        missed[room].push("missed " + i);
        await ben.emitWithAck("new message", { room, message: "missed " + i });
      }
      await ben.emitWithAck("new pm", { target: amyName, message: "psst" });
      await amy.reconnect();
      assert.equal(amy.socket.recovered, true, "socket.recovered");
      assert.equal(amy.socket.id, id, "the same socket id");

      await ben.emitWithAck("new message", { room: lobby, message: "live" });
      await ben.emitWithAck("new message", { room: kitchen, message: "live" });
      await amyGot.count(1 + 12 + 2, "every missed message and the live ones");
      const inRoom = (room) => amyGot.got.filter((g) => g.room === room).map((g) => g.message);
      assert.deepEqual(inRoom(lobby), ["before", ...missed[lobby], "live"]);
      assert.deepEqual(inRoom(kitchen), [...missed[kitchen], "live"]);
      for (const g of amyGot.got) {
        assert.deepEqual(g.rest, [g.id], "a room message's offset, its id, is one more argument handlers see");
      }
      // Her chat rooms are Socket.IO rooms again, without her joining them.
      const shouted = next(amy.socket, "shouted");
      assert.equal(await ben.emitWithAck("shout", kitchen, "to the recovered"), "sent");
      assert.deepEqual(await shouted, ["to the recovered"]);
      await amyPrivate.count(1, "the private message kept while amy was away");
      assert.equal(amyPrivate.got[0].message, "psst");
      assert.deepEqual(amyPrivate.got[0].rest, [], "private messages carry no offset");

      // Back in both rooms under her name, without joining again; her bare text goes to the room she joined last.
      const benGot = generic(ben);
      await amy.socket.emitWithAck("new message", "I am back");
      await benGot.count(1, "amy's message after recovering");
      assert.equal(benGot.got[0].username, amyName);
      assert.equal(benGot.got[0].room, kitchen);
    });

    it("recovers a client that never received an offset, from where its join left it", async () => {
      const room = name("room");
      const amyName = name("amy");
      const ben = await connect(mode, "", {}, RECOVERY_URL);
      await ben.emitWithAck("join room", { roomname: room, username: name("ben") });
      await ben.emitWithAck("new message", "old");
      const amy = await gated(mode);
      const joined = await amy.socket.emitWithAck("join room", { roomname: room, username: amyName });
      assert.equal(joined.history.at(-1).message, "old");
      const amyGot = generic(amy.socket);

      const id = amy.socket.id;
      await amy.drop(ben, amyName, 1); // amy got no event, so her client has no offset to send
      await ben.emitWithAck("new message", "missed");
      await amy.reconnect();
      assert.equal(amy.socket.recovered, true);
      assert.equal(amy.socket.id, id);
      await ben.emitWithAck("new message", "live");
      await amyGot.count(2, "the missed and the live message");
      assert.deepEqual(amyGot.got.map((g) => g.message), ["missed", "live"]);
    });

    it("does not recover when one room missed more than maxRecoveredMessages: a new id and no room; a rejoin gets the recent history", async () => {
      const [lobby, busy] = [name("lobby"), name("busy")];
      const amyName = name("amy");
      const amy = await gated(mode);
      await amy.socket.emitWithAck("join room", { roomname: lobby, username: amyName });
      await amy.socket.emitWithAck("join room", { roomname: busy });
      const ben = await connect(mode, "", {}, RECOVERY_URL);
      await ben.emitWithAck("join room", { roomname: lobby, username: name("ben") });
      await ben.emitWithAck("join room", { roomname: busy });
      const amyGot = generic(amy.socket);
      await ben.emitWithAck("new message", { room: lobby, message: "before" });
      await amyGot.count(1, "the message before the drop");

      const id = amy.socket.id;
      await amy.drop(ben, amyName, 2);
      await ben.emitWithAck("new message", { room: lobby, message: "one missed in the lobby" });
      for (let i = 1; i <= MAX_RECOVERED + 5; i++) {
        await ben.emitWithAck("new message", { room: busy, message: "missed " + i });
      }
      await amy.reconnect();
      assert.equal(amy.socket.recovered, false);
      assert.notEqual(amy.socket.id, id);

      await ben.emitWithAck("new message", { room: lobby, message: "while amy is in no room" });
      const joined = await amy.socket.emitWithAck("join room", { roomname: lobby, username: amyName });
      // The failed recovery's own rejoin and leave may come around it, as notices.
      assert.deepEqual(joined.history.filter((m) => m.type === "generic").map((m) => m.message).slice(-2),
        ["one missed in the lobby", "while amy is in no room"]);
      await ben.emitWithAck("new message", { room: lobby, message: "after the rejoin" });
      await ben.emitWithAck("new message", { room: busy, message: "busy after the rejoin" });
      await ben.emitWithAck("new message", { room: lobby, message: "last" });
      await amyGot.count(3, "the live messages after the rejoin");
      assert.deepEqual(amyGot.got.map((g) => g.message), ["before", "after the rejoin", "last"],
        "nothing reached amy between the failed recovery and her rejoin, nor from the room she did not rejoin");
    });

    it("answers members, leave room, clear history and unknown events with the JSON protocol's results and codes", async () => {
      const [room, locked] = [name("room"), name("locked")];
      const [an, bn] = [name("amy"), name("bo")];
      const a = await connect(mode);
      const b = await connect(mode);
      await a.emitWithAck("join room", { roomname: room, username: an });
      await b.emitWithAck("join room", { roomname: room, username: bn });
      assert.deepEqual(await a.emitWithAck("members", { room }), { room, members: [an, bn].sort() });
      assert.deepEqual(await a.emitWithAck("members", room), { room, members: [an, bn].sort() });
      assert.equal((await a.emitWithAck("members", { room: name("elsewhere") })).code, "NOT_IN_ROOM");

      await a.emitWithAck("new message", { room, message: "soon gone" });
      const cleared = next(b, "history cleared");
      assert.deepEqual(await a.emitWithAck("clear history", { room }), { room });
      assert.deepEqual((await cleared)[0], { room, by: an });
      const page = await a.emitWithAck("history", { room });
      assert.deepEqual(page.messages.filter((m) => m.type === "generic"), [], "the clear-history hook allowed it");
      await a.emitWithAck("join room", { roomname: locked });
      assert.deepEqual(await a.emitWithAck("clear history", locked),
        { error: true, code: "LOCKED", msg: "This room's history stays" });

      assert.deepEqual(await b.emitWithAck("leave room", room), { room });
      assert.deepEqual((await a.emitWithAck("members", room)).members, [an]);
      assert.equal((await b.emitWithAck("leave room", { roomname: room })).code, "NOT_IN_ROOM");

      assert.deepEqual(await a.emitWithAck("no such event", 1),
        { error: true, code: "UNKNOWN_TYPE", msg: "Unknown event 'no such event'" });
      assert.ok(a.connected, "the connection stays");
    });

    it("sends structured data with room and private messages, and refuses data that is no JSON object", async () => {
      const room = name("room");
      const [an, bn] = [name("amy"), name("bo")];
      const a = await connect(mode);
      const b = await connect(mode);
      await a.emitWithAck("join room", { roomname: room, username: an });
      await b.emitWithAck("join room", { roomname: room, username: bn });
      const data = { mood: "happy", n: [1, 2.5, null], nested: { ok: true } };
      const got = within(new Promise((resolve) => b.on("new message", (m) => m.type === "generic" && resolve(m))), "room message");
      const ack = await a.emitWithAck("new message", { room, message: "with data", data });
      assert.deepEqual(ack.data, data);
      assert.deepEqual((await got).data, data);

      const pm = within(new Promise((resolve) => b.on("new message", (m) => m.type === "private" && resolve(m))), "private message");
      const pmAck = await a.emitWithAck("new pm", { target: bn, message: "", data: { ping: 1 } });
      assert.deepEqual(pmAck.data, { ping: 1 });
      const p = await pm;
      assert.deepEqual(p.data, { ping: 1 });
      assert.equal(p.message, "", "empty text is allowed with data, as in the JSON protocol");

      assert.deepEqual(await a.emitWithAck("new message", { room, message: "x", data: "no" }),
        { error: true, code: "BAD_REQUEST", msg: "Field 'data' must be an object" });
      assert.deepEqual(await a.emitWithAck("new pm", { target: bn, message: "x", data: { file: Buffer.from([1]) } }),
        { error: true, code: "BAD_REQUEST", msg: "Field 'data.file' is binary; message data is JSON only" });
    });

    it("makes every chat room a Socket.IO room, which server code emits to, until the member leaves", async () => {
      const [room, other] = [name("room"), name("other")];
      const member = await connect(mode);
      const outsider = await connect(mode);
      const leaver = await connect(mode);
      await member.emitWithAck("join room", { roomname: room, username: name("mel") });
      await outsider.emitWithAck("join room", { roomname: other, username: name("oz") });
      await leaver.emitWithAck("join room", { roomname: room, username: name("lee") });
      await leaver.emitWithAck("leave room", room);
      const wrong = [];
      outsider.on("shouted", (t) => wrong.push("outsider " + t));
      leaver.on("shouted", (t) => wrong.push("leaver " + t));
      const got = next(member, "shouted");
      assert.equal(await outsider.emitWithAck("shout", room, "hello room"), "sent");
      assert.deepEqual(await got, ["hello room"]);
      // The emit was queued to every recipient before the shout's ack: a round trip proves it missed these.
      await outsider.emitWithAck("members", other);
      await leaver.emitWithAck("members", room);
      assert.deepEqual(wrong, []);
    });

    it("tells server code the chat connection behind a socket, whose data the chat hooks share", async () => {
      const who = name("wes");
      const s = await connect(mode);
      const notice = within(new Promise((resolve) => s.on("new message", (m) => m.type === "notice" && resolve(m))), "notice");
      const before = await s.emitWithAck("whoami");
      assert.equal(before.user, null, "no name before the first join");
      assert.equal((await notice).message, "hello null", "the id is the chat server's, which sendSystem takes");
      await s.emitWithAck("join room", { roomname: name("room"), username: who });
      const room = name("room");
      await s.emitWithAck("join room", { roomname: room });
      const after = await s.emitWithAck("whoami");
      assert.deepEqual(after, { id: before.id, user: who, joined: room },
        "what the join hook kept with the chat connection is the socket's data");
    });

    it("pages back through a room's history with the history event", async () => {
      const room = name("room");
      const who = name("hal");
      const s = await connect(mode);
      await s.emitWithAck("join room", { roomname: room, username: who });
      for (let i = 1; i <= 7; i++) {
        await s.emitWithAck("new message", "h" + i);
      }
      const texts = (page) => page.messages.map((m) => m.message);
      const newest = await s.emitWithAck("history", { room, limit: 3 });
      assert.equal(newest.room, room);
      assert.deepEqual(texts(newest), ["h5", "h6", "h7"]);
      const older = await s.emitWithAck("history", { room, before: newest.messages[0].id, limit: 3 });
      assert.deepEqual(texts(older), ["h2", "h3", "h4"]);
      const oldest = await s.emitWithAck("history", { room, before: older.messages[0].id, limit: 3 });
      assert.deepEqual(texts(oldest), ["h1"], "the join's notice was live only, not kept");
      assert.equal(oldest.messages[0].username, who);
      const elsewhere = await s.emitWithAck("history", { room: name("other") });
      assert.equal(elsewhere.code, "NOT_IN_ROOM");
    });
  });
}

describe("heartbeat", () => {
  it("closes a client that stops answering pings", async () => {
    const ws = new WebSocket(URL.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket");
    const frames = [];
    ws.on("message", (data) => frames.push(String(data)));
    const closed = within(new Promise((resolve) => ws.on("close", resolve)), "close of a silent client");
    await within(new Promise((r) => ws.on("open", r)), "open");
    ws.send("40");
    await closed;
    assert.ok(frames[0].startsWith("0{"), "handshake first");
    assert.ok(frames.includes("2"), "the server pinged before giving up");
  });
});

describe("the client bundle the server serves", () => {
  it("is the package's socket.io.js, and its global io connects and acks as a page's would", async () => {
    const response = await within(fetch(URL + "/socket.io/socket.io.js"), "GET /socket.io/socket.io.js");
    assert.equal(response.status, 200);
    const served = await response.text();
    // Byte for byte the file of the socket.io-client package these tests install (package.json).
    const installed = readFileSync(createRequire(import.meta.url).resolve("socket.io-client/dist/socket.io.js"), "utf8");
    assert.equal(served, installed);

    // Run as a <script> would, without Node's module system: the bundle defines the global io. The
    // page's WebSocket is the ws package's (Node 20 has none of its own).
    const page = { WebSocket, setTimeout, clearTimeout, setInterval, clearInterval, TextEncoder, TextDecoder };
    vm.runInNewContext(served, page, { filename: "socket.io.js" });
    assert.equal(typeof page.io, "function");
    const socket = page.io(URL + "/echo", {
      transports: ["websocket"], forceNew: true, reconnection: false, auth: { token: "secret" },
    });
    open.push(socket);
    await within(new Promise((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("connect_error", reject);
    }), "connect with the served bundle");
    const acked = await within(socket.emitWithAck("echo-ack", { text: "hi", n: 1 }), "ack");
    // Through JSON: the bundle's objects are of the page's realm, not this test's.
    assert.equal(JSON.stringify(acked), JSON.stringify({ text: "hi", n: 1 }));
  });
});
