/**
 * Socket.IO v4 for Parley: namespaces, events with acknowledgements, rooms and broadcasts, reachable
 * by any stock socket.io client (Engine.IO v4 over long-polling and WebSocket). Configure it through
 * {@link dev.parley.chat.netty.NettyChatServer.Builder#onSocketIo}; {@link
 * dev.parley.chat.socketio.ChatEvents} maps a {@link dev.parley.chat.ChatServer} onto events.
 *
 * <p>Event arguments are JSON-compatible Java values: {@code Map}, {@code List}, {@code String},
 * numbers ({@code Long} for integers, {@code Double} otherwise), {@code Boolean}, {@code null}, and
 * {@code byte[]} for binary data. Other objects are sent with Gson's field mapping.
 *
 * <p>Hooks run on a worker pool, never on I/O threads, and may block; the hooks of one socket
 * run one at a time, in the order its packets arrived. Emitting is safe from any thread.
 */
package dev.parley.chat.socketio;
