// The "direct" example (DirectMessagesExample), driven as the Socket.IO + React seed's client drives it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MODES, serverUrl, socket, connect, waitFor, within, uniqueName } from "./helpers.mjs";

const URL = serverUrl("DIRECT_URL");
const as = (id) => ({ query: { CLIENT_ID: id } });

/** The seed's message template, sent with an acknowledgement callback. */
function send(from, receiverId, text) {
  const template = { message: text, type: "SENT", receiverId, timestamp: Date.now(), id: uniqueName("local") };
  return { template, ack: within(new Promise((resolve) => from.emit("message", template, resolve)), "ack") };
}

for (const mode of Object.keys(MODES)) {
  describe(`direct example (${mode})`, () => {
    it("refuses a connection without CLIENT_ID", async () => {
      const s = socket(URL, mode);
      const error = await within(new Promise((resolve) => s.once("connect_error", resolve)), "connect_error");
      assert.match(error.message, /CLIENT_ID/);
      assert.equal(s.connected, false);
    });

    it("refuses a CLIENT_ID that cannot be a username, with the chat's reason", async () => {
      const s = socket(URL, mode, as("not a name!"));
      const error = await within(new Promise((resolve) => s.once("connect_error", resolve)), "connect_error");
      assert.match(error.message, /could not accept/);
      assert.equal(s.connected, false);
    });

    it("delivers to every connection of the receiver, stamped, and acknowledges with the server's id and time", async () => {
      const [aliceId, bobId] = [uniqueName("alice"), uniqueName("bob")];
      const alice = await connect(URL, mode, as(aliceId));
      const bobTab1 = await connect(URL, mode, as(bobId));
      const bobTab2 = await connect(URL, mode, as(bobId));
      const inTab1 = waitFor(bobTab1, "message");
      const inTab2 = waitFor(bobTab2, "message");
      const before = Date.now();
      const { template, ack } = send(alice, bobId, "hello bob");
      const [got1, got2, answer] = await Promise.all([inTab1, inTab2, ack]);
      assert.deepEqual(got1, got2);
      assert.equal(got1.message, "hello bob");
      assert.equal(got1.type, "RECEIVED");
      assert.equal(got1.senderId, aliceId);
      assert.equal(got1.receiverId, bobId);
      assert.equal(typeof got1.timestamp, "number");
      assert.ok(got1.timestamp >= before - 1000 && got1.timestamp <= Date.now() + 1000);
      assert.notEqual(got1.id, template.id, "the server gives its own id");
      assert.deepEqual(answer, { id: got1.id, timestamp: got1.timestamp });
    });

    it("keeps a message for a receiver that is not connected and delivers it when it connects", async () => {
      const [aliceId, carolId] = [uniqueName("alice"), uniqueName("carol")];
      const alice = await connect(URL, mode, as(aliceId));
      const first = send(alice, carolId, "first while you were away");
      const second = send(alice, carolId, "second while you were away");
      const [a1, a2] = await Promise.all([first.ack, second.ack]);

      const carol = socket(URL, mode, as(carolId));
      const received = [];
      const both = within(new Promise((resolve) => carol.on("message", (m) => {
        received.push(m);
        if (received.length === 2) resolve();
      })), "kept messages");
      await both;
      assert.deepEqual(received.map((m) => m.message), ["first while you were away", "second while you were away"]);
      assert.deepEqual(received.map((m) => m.id), [a1.id, a2.id]);
      assert.ok(received.every((m) => m.type === "RECEIVED" && m.senderId === aliceId));
    });
  });
}
