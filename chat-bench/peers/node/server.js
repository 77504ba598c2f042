'use strict';
// The socket.io v4 peer of chat-bench: the rooms chat with the wire shapes of Parley's Socket.IO
// bridge, so that one load driver runs against Parley, this server and the netty-socketio peer.

const http = require('node:http');
const fs = require('node:fs');
const { Server } = require('socket.io');

function option(args, name, envName, fallback) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}` && i + 1 < args.length) return args[i + 1];
    if (args[i].startsWith(`--${name}=`)) return args[i].slice(name.length + 3);
  }
  const env = process.env[envName];
  return env === undefined || env === '' ? fallback : env;
}

const args = process.argv.slice(2);
const port = Number(option(args, 'port', 'PORT', '3000'));
const host = option(args, 'host', 'HOST', '0.0.0.0');
const statsPort = Number(option(args, 'stats-port', 'STATS_PORT', String(port + 1000)));
const presence = !['0', 'false', 'no', 'off'].includes(String(option(args, 'presence', 'PRESENCE', 'true')).toLowerCase());

const PM = /^\s*@([\p{L}\p{N}_.\-]+)\s+([\s\S]*)$/u;

const httpServer = http.createServer();
// Both transports, as Parley and netty-socketio allow; the bench connects with websocket only.
const io = new Server(httpServer, { transports: ['websocket', 'polling'] });

/** username -> the socket that joined with it last: where private messages go. */
const users = new Map();
let lastId = 0;

function error(code, msg) {
  return { error: true, code, msg };
}

/** Answers in the acknowledgement if the client asked for one; errors otherwise on `new message`. */
function reply(socket, ack, payload) {
  if (typeof ack === 'function') ack(payload);
  else if (payload && payload.error) socket.emit('new message', payload);
}

function members(room) {
  const ids = io.of('/').adapter.rooms.get(room);
  const names = new Set();
  if (ids) {
    for (const id of ids) {
      const name = io.of('/').sockets.get(id)?.data.username;
      if (name !== undefined) names.add(name);
    }
  }
  return [...names];
}

io.on('connection', (socket) => {
  socket.on('join room', (data, ack) => {
    const room = data && data.roomname;
    const username = data && data.username;
    if (typeof room !== 'string' || room === '' || typeof username !== 'string' || username === '') {
      reply(socket, ack, error('BAD_REQUEST', 'join room needs {roomname, username}'));
      return;
    }
    const fresh = !socket.rooms.has(room);
    socket.data.username = username;
    socket.data.lastRoom = room;
    users.set(username, socket);
    socket.join(room);
    reply(socket, ack, { room, username, members: members(room), history: [] });
    if (fresh && presence) socket.to(room).emit('presence', { room, username, state: 'joined' });
  });

  socket.on('new message', (data, ack) => {
    const username = socket.data.username;
    const room = data !== null && typeof data === 'object' ? data.room ?? socket.data.lastRoom : socket.data.lastRoom;
    const text = data !== null && typeof data === 'object' ? data.message : data;
    if (username === undefined || !socket.rooms.has(room)) {
      reply(socket, ack, error('NOT_IN_ROOM', `You're not in room ${room}`));
      return;
    }
    const message = { id: String(++lastId), time: Date.now(), room, type: 'generic', username, message: String(text ?? '') };
    socket.to(room).emit('new message', message);
    if (typeof ack === 'function') ack({ id: message.id, time: message.time });
  });

  socket.on('new pm', (data, ack) => {
    let target;
    let text;
    if (data !== null && typeof data === 'object') {
      target = typeof data.target === 'string' ? data.target.replace(/^@/, '') : undefined;
      text = data.message;
    } else {
      const match = PM.exec(String(data));
      if (match) [, target, text] = match;
    }
    const username = socket.data.username;
    if (username === undefined) {
      reply(socket, ack, error('NOT_IN_ROOM', 'Join a room before sending messages'));
    } else if (target === undefined || text === undefined) {
      reply(socket, ack, error('BAD_REQUEST', 'Private messages are "@name text"'));
    } else if (!users.has(target)) {
      reply(socket, ack, error('UNKNOWN_USER', `No user named ${target} is online`));
    } else {
      const message = { id: String(++lastId), time: Date.now(), type: 'private', username, message: String(text), target };
      users.get(target).emit('new message', message);
      if (typeof ack === 'function') ack({ id: message.id, time: message.time });
    }
  });

  // `disconnecting`, not `disconnect`: the socket still knows its rooms here.
  socket.on('disconnecting', () => {
    const username = socket.data.username;
    if (username === undefined) return;
    if (users.get(username) === socket) users.delete(username);
    if (!presence) return;
    for (const room of socket.rooms) {
      if (room !== socket.id) socket.to(room).emit('presence', { room, username, state: 'left' });
    }
  });
});

function rssBytes() {
  const line = fs.readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return line ? Number(line.split(/\s+/)[1]) * 1024 : -1;
}

// Heap after a full GC needs `node --expose-gc`; without it the flag is set at run time instead.
if (typeof global.gc !== 'function') {
  require('node:v8').setFlagsFromString('--expose-gc');
  global.gc = require('node:vm').runInNewContext('gc');
}

const statsServer = http.createServer((req, res) => {
  if (req.method !== 'GET' || req.url !== '/stats') {
    res.writeHead(404).end();
    return;
  }
  global.gc();
  const body = JSON.stringify({
    heapUsedAfterGc: process.memoryUsage().heapUsed,
    rss: rssBytes(),
    connections: io.of('/').sockets.size,
  });
  res.writeHead(200, { 'content-type': 'application/json' }).end(body);
});

let listening = 0;
function ready() {
  if (++listening === 2) console.log(`READY ${port}`);
}
httpServer.listen(port, host, ready);
statsServer.listen(statsPort, host, ready);

function stop() {
  io.close();
  statsServer.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
