// Drives Parley with the official socket.io client over each transport mode.
// The server under test is started by SocketIoClientIT, which passes its URL in PARLEY_URL.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import WebSocket from "ws";

const URL = process.env.PARLEY_URL;
assert.ok(URL, "PARLEY_URL must be set");
const TIMEOUT = 5000;

const MODES = {
  "websocket only": { transports: ["websocket"] },
  "polling only": { transports: ["polling"] },
  "polling then upgrade": { transports: ["polling", "websocket"] },
};

const open = [];
after(() => open.forEach((s) => s.close()));

function within(promise, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error("timed out waiting for " + what)), TIMEOUT); }),
  ]).finally(() => clearTimeout(timer));
}

function connect(mode, path = "", options = {}) {
  const socket = io(URL + path, { ...MODES[mode], forceNew: true, reconnection: false, ...options });
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

    it("tells the client when the server disconnects it, and it does not reconnect", async () => {
      const s = await connect(mode, "/echo", { auth: { token: "secret" } });
      const reason = next(s, "disconnect");
      s.emit("kick-me");
      assert.equal((await reason)[0], "io server disconnect");
    });

    it("reconnects by itself after the transport drops", async () => {
      const s = io(URL, { ...MODES[mode], forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 100 });
      open.push(s);
      await within(new Promise((r) => s.once("connect", r)), "first connect");
      const firstId = s.id;
      const reconnected = within(new Promise((r) => s.io.once("reconnect", r)), "reconnect");
      s.io.engine.close(); // the transport goes away as a network failure would
      await reconnected;
      assert.notEqual(s.id, firstId);
      const joined = await s.emitWithAck("join room", { roomname: name("room"), username: name("erin") });
      assert.ok(joined.members.length === 1);
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
