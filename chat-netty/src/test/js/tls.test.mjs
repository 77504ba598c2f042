// Drives a Parley server that serves TLS with the official socket.io client over https.
// TlsIT starts the server with a self-signed certificate for 127.0.0.1 and passes its URL in
// PARLEY_TLS_URL and the certificate's PEM file in PARLEY_TLS_CA.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { io } from "socket.io-client";
import { within } from "./within.mjs";

const URL = process.env.PARLEY_TLS_URL;
assert.ok(URL && URL.startsWith("https://"), "PARLEY_TLS_URL must be an https URL");
const CA = readFileSync(process.env.PARLEY_TLS_CA);

const open = [];
after(() => open.forEach((s) => s.close()));

function connect(transports, options) {
  const socket = io(URL, { transports, forceNew: true, reconnection: false, ...options });
  open.push(socket);
  return within(new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  }), "connect over " + transports.join(" then "));
}

const MODES = { "polling then upgrade": ["polling", "websocket"], "websocket only": ["websocket"], "polling only": ["polling"] };
let unique = 0;

for (const [mode, transports] of Object.entries(MODES)) {
  describe(`over https, ${mode}`, () => {
    it("chats in a room", async () => {
      const room = `tls-room-${++unique}`;
      const alice = await connect(transports, { ca: CA });
      const bob = await connect(transports, { ca: CA });
      if (transports.includes("websocket")) {
        // The upgrade (or the direct WebSocket) is wss:// on the same port.
        await within(new Promise((resolve) => {
          if (bob.io.engine.transport.name === "websocket") resolve();
          else bob.io.engine.once("upgrade", resolve);
        }), "the WebSocket transport");
      }
      await alice.emitWithAck("join room", { roomname: room, username: `alice${unique}` });
      await bob.emitWithAck("join room", { roomname: room, username: `bob${unique}` });
      const received = within(new Promise((resolve) => bob.on("new message", (m) => m.type === "generic" && resolve(m))), "bob's message");
      await alice.emitWithAck("new message", "hello over TLS");
      assert.equal((await received).message, "hello over TLS");
    });
  });
}

describe("certificate checks", () => {
  it("refuses the server when the client does not trust its certificate", async () => {
    // The transport's error (the XMLHttpRequest's, for polling) carries Node's TLS error.
    await assert.rejects(connect(["polling"], {}), (e) => /self[- ]signed certificate/i.test(inspect(e, { depth: 4 })));
  });
});
