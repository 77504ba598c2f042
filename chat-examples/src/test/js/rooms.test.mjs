// The "rooms" example (RoomsExample), driven as the LogRocket ChatServer seed's client drives it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MODES, serverUrl, connect, waitFor, record, uniqueName } from "./helpers.mjs";

const URL = serverUrl("ROOMS_URL");
const notice = (text) => (m) => m.type === "notice" && m.message === text;

/**
 * A round trip on the socket: the server handles a connection's events in order, so once this
 * resolves, everything the socket sent before has been handled and what that sent it has arrived.
 */
async function roundTrip(socket) {
  await socket.emitWithAck("leave room", { roomname: uniqueName("nowhere") });
}

/**
 * Joins as the seed's client does (emit "join room" with no acknowledgement), waits until the server
 * has handled it, and checks that the members already in the room were told.
 */
async function join(socket, roomname, username, watchers = []) {
  const told = watchers.map((w) => waitFor(w, "new message", notice(`${username} has joined`)));
  socket.emit("join room", { roomname, username });
  await roundTrip(socket);
  await Promise.all(told);
}

for (const mode of Object.keys(MODES)) {
  describe(`rooms example (${mode})`, () => {
    it("refuses a message from a client that has not joined", async () => {
      const s = await connect(URL, mode);
      const error = waitFor(s, "new message", (m) => m.error === true);
      s.emit("new message", "Hey World!");
      const e = await error;
      assert.equal(e.msg, "You're not part of a room yet");
    });

    it("announces joins, delivers room messages to the rest of the room only, and private messages to the target only", async () => {
      const room = uniqueName("room");
      const [aliceName, bobName, carolName, daveName] = ["alice", "bob", "carol", "dave"].map(uniqueName);
      const alice = await connect(URL, mode);
      const bob = await connect(URL, mode);
      const carol = await connect(URL, mode);
      const dave = await connect(URL, mode);
      await join(alice, room, aliceName);
      await join(bob, room, bobName, [alice]);
      await join(carol, room, carolName, [alice, bob]);
      await join(dave, uniqueName("elsewhere"), daveName);
      const aliceSaw = record(alice, "new message");
      const daveSaw = record(dave, "new message");

      const toBob = waitFor(bob, "new message", (m) => m.type === "generic");
      const toCarol = waitFor(carol, "new message", (m) => m.type === "generic");
      alice.emit("new message", "Hello there!");
      for (const m of [await toBob, await toCarol]) {
        assert.equal(m.room, room);
        assert.equal(m.type, "generic");
        assert.equal(m.username, aliceName);
        assert.equal(m.message, "Hello there!");
      }

      const pm = waitFor(carol, "new message", (m) => m.type === "private");
      bob.emit("new pm", `@${carolName} just between us`);
      const p = await pm;
      assert.equal(p.type, "private");
      assert.equal(p.username, bobName);
      assert.equal(p.target, carolName);
      assert.equal(p.room, room, "sent from the room the sender is in, as in the seed");
      assert.equal(p.message, "just between us");

      await Promise.all([roundTrip(alice), roundTrip(dave)]);
      assert.deepEqual(aliceSaw.filter((m) => m.type !== "notice"), [], "the sender and bystanders get neither");
      assert.deepEqual(daveSaw, [], "another room hears nothing");
    });

    it("answers a private message to an unknown user with an error naming that user, and keeps working", async () => {
      const room = uniqueName("room");
      const [aliceName, bobName] = ["alice", "bob"].map(uniqueName);
      const alice = await connect(URL, mode);
      const bob = await connect(URL, mode);
      await join(alice, room, aliceName);
      await join(bob, room, bobName, [alice]);
      const ghost = uniqueName("ghost");

      const error = waitFor(alice, "new message", (m) => m.error === true);
      alice.emit("new pm", `@${ghost} are you there?`);
      const e = await error;
      assert.match(e.msg, new RegExp(ghost));

      const still = waitFor(bob, "new message", (m) => m.type === "generic");
      alice.emit("new message", "still here");
      assert.equal((await still).message, "still here");
    });

    it("tells the room when someone leaves or disconnects", async () => {
      const room = uniqueName("room");
      const [aliceName, bobName, carolName] = ["alice", "bob", "carol"].map(uniqueName);
      const alice = await connect(URL, mode);
      const bob = await connect(URL, mode);
      const carol = await connect(URL, mode);
      await join(alice, room, aliceName);
      await join(bob, room, bobName, [alice]);
      await join(carol, room, carolName, [alice, bob]);

      const bobLeft = waitFor(alice, "new message", notice(`${bobName} has left`));
      bob.emit("leave room", { roomname: room });
      assert.equal((await bobLeft).room, room);

      const carolLeft = waitFor(alice, "new message", notice(`${carolName} has left`));
      carol.disconnect();
      assert.equal((await carolLeft).room, room);
    });
  });
}
