// Socket.IO across the nodes of a cluster: three main-example processes on one private Redis,
// started by SocketIoClusterIT, which passes their URLs in CLUSTER_URLS and their process ids in
// CLUSTER_PIDS (the kill -9 test kills one). Clients that must move between nodes connect through
// a TCP proxy of this file, which stands for a load balancer: the test says where it forwards, and
// cuts its connections as a network failure would.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { io } from "socket.io-client";
import { within } from "./helpers.mjs";

const URLS = (process.env.CLUSTER_URLS || "").split(",").filter((u) => u);
const PIDS = (process.env.CLUSTER_PIDS || "").split(",").map(Number);
assert.equal(URLS.length, 3, "CLUSTER_URLS must name three nodes");
const port = (url) => Number(new URL(url).port);

const open = [];
after(() => open.forEach((s) => s.close()));

let unique = 0;
const name = (base) => `${base}${++unique}${Date.now() % 100000}`;

/** A client of one node (or of the proxy), connected. */
async function connect(url, options = {}) {
  const socket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false, ...options });
  open.push(socket);
  await within(new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  }), "connect to " + url);
  return socket;
}

/** Every room message a socket gets, with the arguments after the payload. */
function collect(socket) {
  const got = [];
  let waiting = [];
  socket.on("new message", (m, ...rest) => {
    if (m.type !== "generic") return;
    got.push({ ...m, rest });
    waiting = waiting.filter((w) => (w.done() ? (w.resolve(), false) : true));
  });
  const until = (done, what) => within(new Promise((resolve) => {
    if (done()) resolve();
    else waiting.push({ done, resolve });
  }), what);
  return {
    got,
    texts: (room) => got.filter((g) => g.room === room).map((g) => g.message),
    has: (text) => until(() => got.some((g) => g.message === text), "the message '" + text + "'"),
  };
}

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
