// Shared helpers for the example tests: connect with the official client, await events with timeouts.
import assert from "node:assert/strict";
import { after } from "node:test";
import { io } from "socket.io-client";

export const TIMEOUT = 5000;

/** The transports every example is tested over. */
export const MODES = {
  websocket: { transports: ["websocket"] },
  polling: { transports: ["polling"] },
};

/** The server's URL, from the environment variable the JUnit test sets. */
export function serverUrl(variable) {
  const url = process.env[variable];
  assert.ok(url, variable + " must be set");
  return url;
}

const open = [];
after(() => open.forEach((s) => s.close()));

/** Rejects if the promise does not settle within the timeout. */
export function within(promise, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error("timed out waiting for " + what)), TIMEOUT); }),
  ]).finally(() => clearTimeout(timer));
}

/** A socket that is not yet connected, so listeners can be added first. */
export function socket(url, mode, options = {}) {
  const s = io(url, { ...MODES[mode], forceNew: true, reconnection: false, ...options });
  open.push(s);
  return s;
}

/** Connects and resolves with the socket once connected; rejects on connect_error. */
export function connect(url, mode, options = {}) {
  const s = socket(url, mode, options);
  return within(new Promise((resolve, reject) => {
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
  }), "connect");
}

/** Resolves with the first value of an event that satisfies the predicate. */
export function waitFor(s, event, predicate = () => true) {
  return within(new Promise((resolve) => {
    const listener = (value) => {
      if (predicate(value)) {
        s.off(event, listener);
        resolve(value);
      }
    };
    s.on(event, listener);
  }), "event " + event);
}

/** Records every value of an event, for checking later that something did not arrive. */
export function record(s, event) {
  const seen = [];
  s.on(event, (value) => seen.push(value));
  return seen;
}

let unique = 0;
/** A name no other test uses. */
export const uniqueName = (base) => `${base}${++unique}${process.pid}`;
