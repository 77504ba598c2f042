// The "chatroom" example (ChatroomExample), driven as the React chat room seed's client drives it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MODES, serverUrl, connect, waitFor } from "./helpers.mjs";

const URL = serverUrl("CHATROOM_URL");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const last = (data) => data[data.length - 1];
const has = (text) => (data) => data.some((entry) => entry.message === text);

/** CreateUserData, then UserEnteredRoom with what came back, as the seed's client does on load. */
async function enter(socket) {
  const user = waitFor(socket, "SetUserData");
  socket.emit("CreateUserData");
  const userData = await user;
  socket.emit("UserEnteredRoom", userData);
  return userData;
}

async function clearedRoom(...sockets) {
  const cleared = sockets.map((s) => waitFor(s, "RetrieveChatRoomData", (data) => data.length === 0));
  sockets[0].emit("ClearChat");
  await Promise.all(cleared);
}

for (const mode of Object.keys(MODES)) {
  describe(`chatroom example (${mode})`, () => {
    it("gives every connection its own readable name and a UUID", async () => {
      const a = await connect(URL, mode);
      const b = await connect(URL, mode);
      const ua = waitFor(a, "SetUserData");
      const ub = waitFor(b, "SetUserData");
      a.emit("CreateUserData");
      b.emit("CreateUserData");
      const [first, second] = await Promise.all([ua, ub]);
      for (const user of [first, second]) {
        assert.deepEqual(Object.keys(user).sort(), ["userID", "username"]);
        assert.match(user.userID, UUID);
        assert.match(user.username, /^[A-Z][a-z]+[A-Z][a-z]+\d*$/);
      }
      assert.notEqual(first.userID, second.userID);
      assert.notEqual(first.username, second.username);
    });

    it("sends the whole room data to everyone on each change, history to late joiners, and clears it", async () => {
      const alice = await connect(URL, mode);
      const bob = await connect(URL, mode);
      await clearedRoom(alice, bob);

      const bobSeesAlice = waitFor(bob, "RetrieveChatRoomData", (data) => data.length === 1);
      const aliceSeesHerself = waitFor(alice, "RetrieveChatRoomData", (data) => data.length === 1);
      const aliceData = await enter(alice);
      const entered = { message: `${aliceData.username} has entered the chat`, username: "", userID: 0, timeStamp: null };
      assert.deepEqual(await bobSeesAlice, [entered]);
      assert.deepEqual(await aliceSeesHerself, [entered], "the sender gets the room data too");

      const message = { message: "hello room", username: aliceData.username, userID: aliceData.userID, timeStamp: 1700000000000 };
      const toBob = waitFor(bob, "RetrieveChatRoomData", (data) => data.length === 2);
      const toAlice = waitFor(alice, "RetrieveChatRoomData", (data) => data.length === 2);
      alice.emit("SendMessage", message);
      assert.deepEqual(await toBob, [entered, message]);
      assert.deepEqual(await toAlice, [entered, message]);

      const carol = await connect(URL, mode);
      const history = waitFor(carol, "RetrieveChatRoomData");
      const carolData = await enter(carol);
      const carolSees = await history;
      assert.deepEqual(carolSees.slice(0, 2), [entered, message], "a late joiner gets the history");
      assert.equal(last(carolSees).message, `${carolData.username} has entered the chat`);

      const left = waitFor(alice, "RetrieveChatRoomData", has(`${carolData.username} has left the chat`));
      carol.disconnect();
      assert.deepEqual(last(await left), { message: `${carolData.username} has left the chat`, username: "", userID: 0, timeStamp: null });

      await clearedRoom(bob, alice);
    });

    it("keeps only the last 100 entries", async () => {
      const alice = await connect(URL, mode);
      await clearedRoom(alice);
      const full = waitFor(alice, "RetrieveChatRoomData", (data) => data.length === 100 && last(data).message === "m104");
      for (let i = 0; i < 105; i++) {
        alice.emit("SendMessage", { message: "m" + i, username: "alice", userID: "x", timeStamp: i });
      }
      const data = await full;
      assert.equal(data[0].message, "m5");
      await clearedRoom(alice);
    });
  });
}
