// Per-message compression (permessage-deflate), as real clients negotiate it: the official
// socket.io client (which offers it through ws by default) and ws on the JSON endpoint. Run by
// PerMessageDeflateIT, which passes a server with compression on (PARLEY_URL) and one with it off
// (PARLEY_PLAIN_URL); both have Socket.IO's maxPayload at 100,000 bytes and the JSON endpoint's
// maxFrameBytes at 65,536.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import WebSocket from "ws";
import { within } from "./within.mjs";

const URL = process.env.PARLEY_URL;
const PLAIN_URL = process.env.PARLEY_PLAIN_URL;
assert.ok(URL && PLAIN_URL, "PARLEY_URL and PARLEY_PLAIN_URL must be set");
const MAX_PAYLOAD = 100_000;
const MAX_FRAME_BYTES = 65_536;

const open = [];
after(() => open.forEach((s) => s.close()));

function connect(base, options = {}) {
  const socket = io(base, { transports: ["websocket"], forceNew: true, reconnection: false, ...options });
  open.push(socket);
  return within(new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  }), "connect");
}

/** What the server agreed to in the WebSocket upgrade, from ws under the socket.io client. */
const extensions = (socket) => socket.io.engine.transport.ws.extensions;

/** A raw ws client of the JSON endpoint, offering compression; its frames parsed as they come. */
async function jsonClient(base, options = { perMessageDeflate: true }) {
  const ws = new WebSocket(base.replace("http", "ws") + "/chat", options);
  open.push(ws);
  const frames = [];
  const waiters = [];
  ws.on("message", (data) => {
    frames.push(JSON.parse(String(data)));
    waiters.splice(0).forEach((w) => w());
  });
  await within(new Promise((resolve, reject) => { ws.once("open", resolve); ws.once("error", reject); }), "open");
  const next = (test, what) => within(new Promise((resolve) => {
    const look = () => {
      const i = frames.findIndex(test);
      if (i >= 0) resolve(frames.splice(i, 1)[0]); else waiters.push(look);
    };
    look();
  }), what);
  return { ws, next, send: (frame) => ws.send(JSON.stringify(frame)) };
}

function closeOf(ws) {
  return within(new Promise((resolve) => ws.once("close", (code, reason) => resolve({ code, reason: String(reason) }))),
    "close");
}

/** Text that compresses to almost nothing. */
const bomb = (bytes) => " ".repeat(bytes);
let unique = 0;

describe("Socket.IO endpoint", () => {
  it("negotiates permessage-deflate with the official client and carries large messages both ways", async () => {
    const alice = await connect(URL);
    const bob = await connect(URL);
    assert.match(extensions(alice), /permessage-deflate/);
    const room = "deflate" + ++unique;
    await alice.emitWithAck("join room", { roomname: room, username: "alice" + unique });
    await bob.emitWithAck("join room", { roomname: room, username: "bob" + unique });
    const text = "compressible ".repeat(300);  // over the 1024-byte threshold: compressed both ways
    const heard = new Promise((resolve) => bob.once("new message", resolve));
    alice.emit("new message", text);
    const message = await within(heard, "alice's message at bob");
    assert.equal(message.message, text);
  });

  it("closes with 1009 a message that inflates past maxPayload, before inflating it all", async () => {
    const ws = new WebSocket(URL.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket",
      { perMessageDeflate: true });
    open.push(ws);
    await within(new Promise((r) => ws.once("open", r)), "open");
    assert.match(ws.extensions, /permessage-deflate/);
    const closed = closeOf(ws);
    ws.send("4" + bomb(50 * MAX_PAYLOAD), { compress: true });
    const { code, reason } = await closed;
    assert.equal(code, 1009);
    assert.equal(reason, "message too big");
  });

  it("is not offered by a server with compression off", async () => {
    const socket = await connect(PLAIN_URL);
    assert.equal(extensions(socket), "");
    assert.equal(await socket.emitWithAck("join room", { roomname: "plain", username: "p" + ++unique })
      .then((joined) => joined.room), "plain");
  });
});

describe("JSON endpoint", () => {
  it("negotiates permessage-deflate with ws and carries large messages both ways", async () => {
    const c = await jsonClient(URL);
    assert.match(c.ws.extensions, /permessage-deflate/);
    const room = "json" + ++unique;
    c.send({ type: "join", id: "1", room, username: "bob" + unique });
    await c.next((f) => f.type === "joined", "joined");
    const text = "compressible ".repeat(300);
    c.send({ type: "message", id: "2", room, text });
    const ack = await c.next((f) => f.type === "ack", "ack with the message");
    assert.equal(ack.message.text, text);
  });

  it("closes with 1009 a message that inflates past maxFrameBytes", async () => {
    const c = await jsonClient(URL);
    const closed = closeOf(c.ws);
    c.ws.send(bomb(200 * MAX_FRAME_BYTES), { compress: true });
    const { code, reason } = await closed;
    assert.equal(code, 1009);
    assert.equal(reason, "message too big");
  });

  it("closes with 1009 a fragmented message whose fragments each inflate within the limit but together past it", async () => {
    const c = await jsonClient(URL);
    const closed = closeOf(c.ws);
    const part = bomb(MAX_FRAME_BYTES / 2);
    c.ws.send(part, { compress: true, fin: false });
    c.ws.send(part, { compress: true, fin: false });
    c.ws.send(part, { compress: true, fin: true });
    const { code } = await closed;
    assert.equal(code, 1009);
  });

  it("is not offered by a server with compression off", async () => {
    const c = await jsonClient(PLAIN_URL);
    assert.equal(c.ws.extensions, "");
  });
});
