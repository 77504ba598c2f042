// Broadcasts from server code across the nodes of a cluster: three ShoutServer processes on one
// private Redis, started by SocketIoEmitIT, which passes their URLs in CLUSTER_URLS. A `shout`
// makes the shouter's node emit to the namespace, to a room, to everyone outside the room, to
// everyone but the shouter, and then `shout done` (see ShoutServer); `fetch`, `poke` and `ask` use
// fetchSockets and broadcasts with acknowledgements across the nodes.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { URLS, connect, name, waiter } from "./cluster-helpers.mjs";
import { within } from "./helpers.mjs";

/** The events of a shout a socket gets, as "event text bytes". */
function record(socket) {
  const got = [];
  const w = waiter();
  socket.onAny((event, text, bytes) => {
    got.push(`${event} ${text} ${ArrayBuffer.isView(bytes) || bytes instanceof ArrayBuffer ? Buffer.from(bytes).toString("hex") : bytes}`);
    w.check();
  });
  return {
    of: (text) => got.filter((g) => g.split(" ").includes(text)),
    done: (text) => w.until(() => got.some((g) => g.startsWith("shout done " + text + " ")), "shout done " + text),
  };
}

describe("server-side Socket.IO broadcasts on a cluster of three nodes", () => {
  it("reach the matching sockets of every node, with binary attachments, and no others", async () => {
    const room = name("room");
    const sockets = [];
    for (let n = 0; n < 3; n++) {
      for (const inRoom of [true, false]) {
        const socket = await connect(URLS[n] + "/shout");
        if (inRoom) assert.equal(await socket.emitWithAck("enter", room), "in");
        sockets.push({ socket, node: n, inRoom, got: record(socket) });
      }
    }

    // From a socket in the room on node 0, one outside it on node 1, one in it on node 2.
    for (const shouter of [sockets[0], sockets[3], sockets[4]]) {
      const text = name("shout");
      const bytes = Buffer.from([0, 1, 2, 250, shouter.node]);
      assert.equal(await shouter.socket.emitWithAck("shout", room, text, bytes), "sent");
      const hex = bytes.toString("hex");
      for (const s of sockets) {
        await s.got.done(text);
        const expected = [`to everyone ${text} ${hex}`];
        expected.push(s.inRoom ? `to the room ${text} ${hex}` : `outside the room ${text} ${hex}`);
        if (s !== shouter) expected.push(`from another socket ${text} ${hex}`);
        expected.push(`shout done ${text} ${hex}`);
        assert.deepEqual(s.got.of(text), expected,
            `a socket ${s.inRoom ? "in" : "outside"} the room on node ${s.node}, shouted at from node ${shouter.node}`);
      }
    }
  });
});

describe("server code emitting to a chat room on a cluster of three nodes", () => {
  for (const transport of ["websocket", "polling"]) {
    it(`reaches the room's chat members on every node and no one else (${transport})`, async () => {
      const [room, other] = [name("room"), name("other")];
      const clients = [];
      for (let n = 0; n < 3; n++) {
        for (const role of ["member", "outsider", "leaver"]) {
          const socket = await connect(URLS[n], { transports: [transport] });
          const user = name(role);
          if (role !== "outsider") {
            await socket.emitWithAck("join room", { roomname: room, username: user });
          }
          if (role === "leaver") {
            assert.deepEqual(await socket.emitWithAck("leave room", room), { room });
          }
          // Every client is in `other` too, whose shout comes last: once a client has it, it has
          // had the first shout if that was meant for it (one node's emits keep their order).
          await socket.emitWithAck("join room", { roomname: other, username: user });
          const got = [];
          const w = waiter();
          socket.on("room shout", (text) => {
            got.push(text);
            w.check();
          });
          clients.push({ socket, node: n, role, got, w });
        }
      }
      const text = name("hello");
      const shouter = clients.find((c) => c.node === 1 && c.role === "outsider").socket;
      assert.equal(await shouter.emitWithAck("shout to room", room, text), "sent");
      assert.equal(await shouter.emitWithAck("shout to room", other, "done " + text), "sent");
      for (const c of clients) {
        await c.w.until(() => c.got.includes("done " + text), `the last shout on node ${c.node}`);
        assert.deepEqual(c.got, c.role === "member" ? [text, "done " + text] : ["done " + text],
          `a ${c.role} of the room on node ${c.node}`);
      }
    });
  }
});

describe("server-side operations on a room's sockets on a cluster of three nodes", () => {
  it("put them in another room, take them out and disconnect them, on every node", async () => {
    const [from, to] = [name("from"), name("to")];
    const sockets = [];
    for (let n = 0; n < 3; n++) {
      for (const inRoom of [true, false]) {
        const socket = await connect(URLS[n] + "/shout");
        if (inRoom) assert.equal(await socket.emitWithAck("enter", from), "in");
        sockets.push({ socket, node: n, inRoom, got: record(socket) });
      }
    }
    const shouter = sockets[3].socket; // outside the room, on node 1
    assert.equal(await shouter.emitWithAck("gather", from, to), "sent");
    const text = name("gathered");
    assert.equal(await shouter.emitWithAck("shout", to, text, "x"), "sent");
    for (const s of sockets) {
      await s.got.done(text);
      assert.deepEqual(s.got.of(text).filter((g) => g.startsWith("to the room")), s.inRoom ? [`to the room ${text} x`] : [],
        `a socket ${s.inRoom ? "of" : "outside"} ${from} on node ${s.node}, after the gather`);
    }

    assert.equal(await shouter.emitWithAck("scatter", from, to), "sent");
    const after = name("scattered");
    assert.equal(await shouter.emitWithAck("shout", to, after, "x"), "sent");
    for (const s of sockets) {
      await s.got.done(after);
      assert.deepEqual(s.got.of(after).filter((g) => g.startsWith("to the room")), [], `node ${s.node}, after the scatter`);
    }

    const kicked = sockets.filter((s) => s.inRoom).map((s) => within(new Promise((r) => s.socket.once("disconnect", r)), "disconnect"));
    assert.equal(await shouter.emitWithAck("kick", from), "sent");
    assert.deepEqual(await Promise.all(kicked), ["io server disconnect", "io server disconnect", "io server disconnect"]);
    for (const s of sockets.filter((x) => !x.inRoom)) {
      assert.equal(await s.socket.emitWithAck("enter", name("still")), "in", `a socket outside ${from} on node ${s.node} stays`);
    }
  });
});

describe("fetchSockets and broadcasts with acknowledgements on a cluster of three nodes", () => {
  it("fetchSockets finds a room's sockets on every node, with their rooms, data and handshake, and reaches them", async () => {
    const room = name("fetched");
    const members = [];
    for (let n = 0; n < 3; n++) {
      const socket = await connect(URLS[n] + "/shout", { query: { who: "q" + n } });
      assert.equal(await socket.emitWithAck("enter", room), "in");
      assert.equal(await socket.emitWithAck("tag", "t" + n), "tagged");
      members.push(socket);
    }
    const outsider = await connect(URLS[1] + "/shout");
    const found = await outsider.emitWithAck("fetch", room);
    assert.ok(Array.isArray(found), JSON.stringify(found));
    assert.deepEqual(found.map((f) => f.id).sort(), members.map((m) => m.id).sort());
    for (let n = 0; n < 3; n++) {
      const f = found.find((x) => x.id === members[n].id);
      assert.deepEqual(f.rooms.sort(), [members[n].id, room].sort(), `the rooms of node ${n}'s socket`);
      assert.equal(f.tag, "t" + n, `the data of node ${n}'s socket`);
      assert.equal(f.query, "q" + n, `the handshake of node ${n}'s socket`);
    }
    assert.deepEqual(await outsider.emitWithAck("fetch", name("nobody")), []);

    const poked = within(new Promise((r) => members[2].once("poked", r)), "poke");
    assert.equal(await outsider.emitWithAck("poke", members[2].id, "hi there"), "poked");
    assert.equal(await poked, "hi there", "an emit to a fetched socket of another node reaches it");
  });

  it("a broadcast collects the acknowledgements of every node's recipients, and the ones that came when one is missing", async () => {
    const room = name("asked");
    for (let n = 0; n < 3; n++) {
      const socket = await connect(URLS[n] + "/shout");
      socket.on("question", (q, cb) => cb("node " + n, q));
      assert.equal(await socket.emitWithAck("enter", room), "in");
    }
    const asker = await connect(URLS[0] + "/shout");
    const all = await asker.emitWithAck("ask", room, 3000);
    assert.equal(all.ok, true, JSON.stringify(all));
    assert.deepEqual(all.responses.map((r) => r[0]).sort(), ["node 0", "node 1", "node 2"]);
    assert.deepEqual(all.responses.map((r) => r[1]), ["which node?", "which node?", "which node?"]);

    const silent = await connect(URLS[2] + "/shout");
    silent.on("question", () => {});
    assert.equal(await silent.emitWithAck("enter", room), "in");
    const some = await asker.emitWithAck("ask", room, 500);
    assert.equal(some.ok, false);
    assert.deepEqual(some.responses.map((r) => r[0]).sort(), ["node 0", "node 1", "node 2"]);
  });
});

describe("RemoteSocket acknowledgements and server-side events on a cluster of three nodes", () => {
  it("a fetched socket of another node answers an emit that waits for its acknowledgement", async () => {
    const target = await connect(URLS[2] + "/shout");
    target.on("quiz", (q, cb) => cb("node 2 says", q));
    const asker = await connect(URLS[0] + "/shout");
    const answered = await asker.emitWithAck("quiz", target.id, 3000);
    assert.deepEqual(answered, { ok: true, answer: ["node 2 says", "what node?"] });

    const silent = await connect(URLS[1] + "/shout");
    silent.on("quiz", () => {});
    const unanswered = await asker.emitWithAck("quiz", silent.id, 300);
    assert.equal(unanswered.ok, false);
    assert.match(unanswered.error, /AckTimeoutException/);
  });

  it("serverSideEmit reaches the other nodes' hooks and not its own; with acks, one answer per other node", async () => {
    // Each node's hook of "told" emits "heard NODE TEXT" to room "listeners", a broadcast that
    // reaches the listeners of every node: each listener hears the hooks of nodes 1 and 2 once each.
    const text = name("news");
    const listeners = [];
    for (let n = 0; n < 3; n++) {
      const socket = await connect(URLS[n] + "/shout");
      const heard = [];
      const w = waiter();
      socket.on("heard", (node, t) => {
        if (t === text) {
          heard.push(node);
          w.check();
        }
      });
      assert.equal(await socket.emitWithAck("enter", "listeners"), "in");
      listeners.push({ socket, heard, twice: () => w.until(() => heard.length >= 2, "two heard on node " + n) });
    }
    assert.equal(await listeners[0].socket.emitWithAck("tell", text), "told");
    await Promise.all(listeners.map((l) => l.twice()));
    const poll = await listeners[0].socket.emitWithAck("poll", 3000);
    assert.equal(poll.ok, true, JSON.stringify(poll));
    const others = poll.responses.map((r) => r[0]).sort();
    assert.equal(new Set(others).size, 2, "one answer from each other node: " + JSON.stringify(poll));
    assert.deepEqual(poll.responses.map((r) => r[1]), ["which node?", "which node?"]);
    for (const l of listeners) {
      assert.deepEqual([...l.heard].sort(), others, "told once on each other node, not on the sender's");
    }
  });
});
