// Helpers for the cluster tests (cluster*.test.mjs): the nodes' URLs, connecting with the official
// client, and collecting room messages.
import assert from "node:assert/strict";
import { after } from "node:test";
import { io } from "socket.io-client";
import { within } from "./helpers.mjs";

/** The nodes, from CLUSTER_URLS, which the JUnit test sets. */
export const URLS = (process.env.CLUSTER_URLS || "").split(",").filter((u) => u);
assert.equal(URLS.length, 3, "CLUSTER_URLS must name three nodes");

const open = [];
after(() => open.forEach((s) => s.close()));

let unique = 0;
/** A name no other test of this run uses. */
export const name = (base) => `${base}${++unique}${Date.now() % 100000}`;

/** A client of one node (or of a proxy), connected; `url` may name a namespace. */
export async function connect(url, options = {}) {
  const socket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false, ...options });
  open.push(socket);
  await within(new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  }), "connect to " + url);
  return socket;
}

/** Resolves once `done()` holds, checked after each call of the returned `check`; rejects after `ms`. */
export function waiter() {
  let waiting = [];
  return {
    check() {
      waiting = waiting.filter((w) => (w.done() ? (w.resolve(), false) : true));
    },
    until(done, what, ms = 5000) {
      let timer;
      return new Promise((resolve, reject) => {
        if (done()) {
          resolve();
          return;
        }
        timer = setTimeout(() => reject(new Error("timed out waiting for " + what)), ms);
        waiting.push({ done, resolve });
      }).finally(() => clearTimeout(timer));
    },
  };
}

/**
 * Every room message, notice, private message, presence and clear a socket of the chat namespace
 * gets, in arrival order, as `{event, ...payload, rest}`.
 */
export function collect(socket) {
  const got = [];
  const w = waiter();
  socket.on("new message", (m, ...rest) => {
    got.push({ event: "new message", ...m, rest });
    w.check();
  });
  socket.on("presence", (p) => {
    got.push({ event: "presence", ...p });
    w.check();
  });
  socket.on("history cleared", (c) => {
    got.push({ event: "history cleared", ...c });
    w.check();
  });
  const messages = () => got.filter((g) => g.event === "new message" && g.type === "generic");
  return {
    got,
    messages,
    texts: (room) => messages().filter((g) => g.room === room).map((g) => g.message),
    has: (text, ms) => w.until(() => messages().some((g) => g.message === text), "the message '" + text + "'", ms),
    until: (done, what, ms) => w.until(done, what, ms),
  };
}
