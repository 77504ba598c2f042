// Socket.IO across the nodes of a cluster: three main-example processes on one private Redis,
// started by SocketIoClusterIT, which passes their URLs in CLUSTER_URLS and their process ids in
// CLUSTER_PIDS (the kill -9 test kills one). Clients that must move between nodes connect through
// a TCP proxy of this file, which stands for a load balancer: the test says where it forwards, and
// cuts its connections as a network failure would.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { io } from "socket.io-client";
import WebSocket from "ws";
import { within } from "./helpers.mjs";
import { URLS, collect, connect, name } from "./cluster-helpers.mjs";

const PIDS = (process.env.CLUSTER_PIDS || "").split(",").map(Number);
const port = (url) => Number(new URL(url).port);

const open = [];
after(() => open.forEach((s) => s.close()));

/** A load balancer of one upstream at a time; with none, it turns connections away. */
function proxy() {
  let upstream = null;
  const pairs = new Set();
  const server = net.createServer((client) => {
    if (upstream === null) {
      client.destroy();
      return;
    }
    const node = net.connect(upstream, "127.0.0.1");
    const pair = { client, node };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      node.destroy();
    };
    client.on("error", end).on("close", end);
    node.on("error", end).on("close", end);
    client.pipe(node);
    node.pipe(client);
  });
  after(() => server.close());
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({
    url: "http://127.0.0.1:" + server.address().port,
    to(url) {
      upstream = url === null ? null : port(url);
    },
    /** Cuts every connection, as a network failure would. */
    cut() {
      for (const { client, node } of pairs) {
        client.destroy();
        node.destroy();
      }
      pairs.clear();
    },
  })));
}

/** A JSON-protocol client of a node's /chat endpoint. */
async function jsonClient(url) {
  const ws = new WebSocket(url.replace("http", "ws") + "/chat");
  open.push({ close: () => ws.close() });
  const frames = [];
  let waiting = [];
  ws.on("message", (data) => {
    frames.push(JSON.parse(data.toString()));
    waiting = waiting.filter((w) => (w.done() ? (w.resolve(), false) : true));
  });
  await within(new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject)), "a JSON connection");
  let ids = 0;
  const send = (frame) => ws.send(JSON.stringify(frame));
  return {
    send,
    /** Sends a request and resolves with the frame that answers it. */
    request(frame) {
      const id = "r" + ++ids;
      send({ ...frame, id });
      const reply = () => frames.find((f) => f.id === id);
      return within(new Promise((resolve) => {
        if (reply()) resolve(reply());
        else waiting.push({ done: () => reply() !== undefined, resolve: () => resolve(reply()) });
      }), "the reply to " + frame.type);
    },
  };
}

/** A client that reconnects by itself, as a stock client does, quickly. */
const reconnecting = { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 200, randomizationFactor: 0 };

describe("socket.io-client on a cluster of three nodes", () => {
  it("a room message reaches the room's sockets on every node, in one order", async () => {
    const room = name("spread");
    const sockets = [];
    const got = [];
    for (let n = 0; n < 3; n++) {
      const s = await connect(URLS[n]);
      await s.emitWithAck("join room", { roomname: room, username: name("user" + n) });
      sockets.push(s);
      got.push(collect(s));
    }

    for (let n = 0; n < 3; n++) {
      await sockets[n].emitWithAck("new message", { room, message: "from node " + n });
    }

    for (let n = 0; n < 3; n++) {
      for (let from = 0; from < 3; from++) {
        if (from !== n) await got[n].has("from node " + from);
      }
      const others = [0, 1, 2].filter((from) => from !== n).map((from) => "from node " + from);
      assert.deepEqual(got[n].texts(room), others, "node " + n + ": every other node's message, once, in the room's order");
    }
  });

  it("a private message reaches the user's sockets on two other nodes", async () => {
    const alice = await connect(URLS[0]);
    await alice.emitWithAck("join room", { roomname: name("pm"), username: name("alice") });
    // ?user=NAME signs a connection in as NAME, shared by every connection that asks for it (the
    // nodes run with --shared-names).
    const bob = name("bob");
    const bobs = [await connect(URLS[1], { query: { user: bob } }), await connect(URLS[2], { query: { user: bob } })];
    const got = bobs.map(collect);

    const ack = await alice.emitWithAck("new pm", { target: bob, message: "to both of you" });
    assert.equal(ack.error, undefined, JSON.stringify(ack));
    for (const [n, bobGot] of got.entries()) {
      const pms = () => bobGot.got.filter((g) => g.type === "private");
      await bobGot.until(() => pms().length > 0, "the private message on node " + (n + 1));
      assert.deepEqual(pms().map((m) => [m.id, m.username, m.target, m.message]),
          [[ack.id, ack.username, bob, "to both of you"]], "bob's socket on node " + (n + 1));
    }
  });

  it("of two sockets racing for a name on two nodes, one joins and the other gets USERNAME_TAKEN", async () => {
    const room = name("race");
    const winners = [];
    for (let k = 0; k < 5; k++) {
      const racer = name("racer");
      const sockets = [await connect(URLS[k % 3]), await connect(URLS[(k + 1) % 3])];
      const replies = await Promise.all(sockets.map((s) => s.emitWithAck("join room", { roomname: room, username: racer })));
      const outcomes = replies.map((r) => (r.error ? r.code : r.room === room && r.username === racer ? "joined" : JSON.stringify(r)));
      assert.deepEqual(outcomes.toSorted(), ["USERNAME_TAKEN", "joined"], "the race for " + racer + ": " + JSON.stringify(replies));
      winners.push(racer);
    }
    const asker = name("zasker");
    const joined = await (await connect(URLS[2])).emitWithAck("join room", { roomname: room, username: asker });
    assert.deepEqual(joined.members.toSorted(), [...winners, asker].toSorted(), "the room's members, cluster-wide");
  });

  it("a clear takes one place among messages sent from other nodes, the same for sockets on every node", async () => {
    const room = name("clear");
    const observers = [];
    for (let n = 0; n < 3; n++) {
      const s = await connect(URLS[n]);
      await s.emitWithAck("join room", { roomname: room, username: name("cobs") });
      observers.push(collect(s));
    }
    const senders = [];
    for (const n of [1, 2]) {
      const s = await connect(URLS[n]);
      const joined = await s.emitWithAck("join room", { roomname: room, username: name("csend") });
      senders.push({ socket: s, username: joined.username });
    }
    // Socket.IO has no clear event: a JSON-protocol client on node 0 clears.
    const clearer = await jsonClient(URLS[0]);
    assert.equal((await clearer.request({ type: "join", room, username: name("cclearer") })).type, "joined");

    const perSender = 20;
    const sending = senders.map(async ({ socket, username }) => {
      for (let i = 0; i < perSender; i++) {
        const ack = await socket.emitWithAck("new message", { room, message: username + "-" + i });
        assert.equal(ack.error, undefined, JSON.stringify(ack));
      }
    });
    await observers[0].has(senders[0].username + "-5");
    clearer.send({ type: "clear", id: "c", room });
    await Promise.all(sending);

    const fromSenders = new Set(senders.map((s) => s.username));
    const views = [];
    for (const o of observers) {
      const view = () => o.got.flatMap((g) => (g.event === "history cleared" ? ["CLEARED"]
        : g.event === "new message" && g.type === "generic" && fromSenders.has(g.username) ? [g.id] : []));
      await o.until(() => view().length === 2 * perSender + 1, "every message and the clear", 10000);
      views.push(view());
    }
    assert.equal(views[0].filter((v) => v === "CLEARED").length, 1, "one clear in " + views[0]);
    assert.notEqual(views[0].indexOf("CLEARED"), 0, "the clear came after the sixth message");
    assert.deepEqual(views[1], views[0], "node 1's sockets see the clear where node 0's do");
    assert.deepEqual(views[2], views[0], "node 2's sockets see the clear where node 0's do");
  });

  /**
   * amy talks to node `from` through the proxy; ben, on another node, writes while she is away,
   * and `drop` takes her away. She comes back through the proxy to node `to`.
   */
  async function recoversOnAnotherNode(from, to, ben, drop) {
    const lb = await proxy();
    lb.to(URLS[from]);
    const room = name("recovery");
    const amyName = name("amy");
    const amy = io(lb.url, { transports: ["websocket"], forceNew: true, ...reconnecting });
    open.push(amy);
    await within(new Promise((resolve) => amy.once("connect", resolve)), "amy's first connect");
    assert.equal(amy.recovered, false);
    await amy.emitWithAck("join room", { roomname: room, username: amyName });
    const amyGot = collect(amy);
    const benSocket = await connect(URLS[ben]);
    await benSocket.emitWithAck("join room", { roomname: room, username: name("ben") });
    const benGot = collect(benSocket);
    await benSocket.emitWithAck("new message", { room, message: "seen" });
    await amyGot.has("seen");
    // After her offset ("seen"): a recovery from it finds this message in the log, and must not give it back to her.
    await amy.emitWithAck("new message", { room, message: "amy's own" });
    await benGot.has("amy's own");

    const id = amy.id;
    lb.to(null);
    const away = within(new Promise((resolve) => amy.once("disconnect", resolve)), "amy's disconnect");
    await drop(lb);
    await away;
    await benSocket.emitWithAck("new message", { room, message: "missed" });
    const back = within(new Promise((resolve) => amy.once("connect", resolve)), "amy's reconnect");
    lb.to(URLS[to]);
    await back;

    assert.equal(amy.recovered, true, "socket.recovered on node " + to);
    assert.equal(amy.id, id, "the same socket id on node " + to);
    await benSocket.emitWithAck("new message", { room, message: "live" });
    await amyGot.has("live");
    assert.deepEqual(amyGot.texts(room), ["seen", "missed", "live"],
        "the missed message once, before live ones; never her own");
    const again = collect(benSocket);
    await amy.emitWithAck("new message", "still in the room"); // bare text: to the room she joined
    await again.has("still in the room");
  }

  it("recovers on another node after a network failure: same id, the missed messages once, not its own", async () => {
    await recoversOnAnotherNode(0, 1, 2, async (lb) => lb.cut());
  });

  // The killed node still holds amy's name until the cluster gives it up; the recovered session
  // continues her old chat connection and takes the name over from it.
  it("recovers on another node after the first was killed with kill -9", async () => {
    await recoversOnAnotherNode(2, 0, 1, async () => process.kill(PIDS[2], "SIGKILL"));
  });
});
