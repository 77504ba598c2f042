package dev.parley.chat.socketio;

import dev.parley.chat.ConnectDecision;
import dev.parley.chat.Handshake;
import dev.parley.chat.ConnectionInfo;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentMap;

/**
 * One client socket in one namespace, from its connect until it disconnects (then its methods do
 * nothing, and {@link #connected()} is false). Safe to use from any thread.
 *
 * <p>Lifecycle: the server makes one when the client connects to the namespace and hands it to the
 * namespace's connection handlers; the application may keep it, but it serves nothing once
 * disconnected, and a client that reconnects is a new instance (with the same {@link #id()} only
 * when its connection state was recovered).
 */
public interface SocketIoClient {
  /** The socket's id, random and unguessable; also the name of a room only it is in. */
  String id();

  /** The namespace it is connected to. */
  String namespace();

  /** What the client presented when it connected. */
  Handshake handshake();

  /** Puts the socket in a room. */
  void join(String room);

  /** Takes the socket out of a room. */
  void leave(String room);

  /** The rooms the socket is in, its own id-room included. */
  Set<String> rooms();

  /** Emits an event to this client. */
  void emit(String event, Object... args);

  /**
   * Emits an event and waits for the client's acknowledgement.
   *
   * @return the client's acknowledgement arguments, or a stage failed with {@link
   *     java.util.concurrent.TimeoutException} if none came in time
   */
  CompletionStage<List<Object>> emitWithAck(Duration timeout, String event, Object... args);

  /**
   * Emits an event to this client only if it can take it at once, as socket.io's {@code
   * socket.volatile.emit}; else drops it, for good. See {@link Broadcast#emitVolatile} for when a
   * client can take it.
   */
  void emitVolatile(String event, Object... args);

  /**
   * Adds a hook of every event this socket receives, after those already added, as socket.io's
   * {@code socket.onAny}; see {@link AnyEventHook}. Events that arrived before it was added do not
   * reach it: add it in {@link Namespace#onSetup} to see them all. On the chat namespace it sees the
   * chat's events too.
   */
  void onAny(AnyEventHook hook);

  /** Removes a hook added with {@link #onAny}, as socket.io's {@code socket.offAny(listener)}. */
  void offAny(AnyEventHook hook);

  /** Removes every hook added with {@link #onAny}, as socket.io's {@code socket.offAny()}. */
  void offAny();

  /**
   * Adds a middleware that sees each event this socket receives before its hooks, after those
   * already added, as socket.io's {@code socket.use}; see {@link EventMiddleware}. Events that arrived
   * before it was added do not go through it: add it in {@link Namespace#onSetup} to check them all.
   */
  void use(EventMiddleware middleware);

  /**
   * Adds a hook of this socket's errors, as socket.io's {@code socket.on("error", ...)}: what an
   * {@link EventMiddleware} refused an event with. Runs on the worker pool, in the socket's order;
   * several run in the order they were added. With none, a refusal is logged at DEBUG only.
   */
  void onError(SocketErrorHook hook);

  /** Starts a broadcast to a room, leaving out this socket. */
  Broadcast to(String room);

  /** Starts a broadcast to the whole namespace, leaving out this socket. */
  Broadcast broadcast();

  /** Disconnects the socket from its namespace; the client is told and does not reconnect by itself. */
  void disconnect();

  /** Whether the socket is still connected. */
  boolean connected();

  /**
   * Who the socket's user is, if anyone said. On a namespace without a chat server: the user the
   * last of its connect hooks ({@link Namespace#onConnect}) or connect middleware ({@link
   * Namespace#use}) that returned {@link ConnectDecision#acceptAs} named, fixed from before the
   * client is told it is connected. On the namespace that serves a {@code ChatServer}: the chat
   * user, as {@link #chatConnection()} tells it (from the chat server's connect hook, else from the
   * client's first join), and there a namespace hook's {@code acceptAs} refuses the connect (logged
   * as an error), since the chat server's connect hook gives the chat identity. Empty when no one
   * named a user.
   */
  Optional<String> user();

  /**
   * On the namespace that serves a {@code ChatServer} (the main one, with {@code .chat(chat)}): this
   * socket's chat connection, as the chat server's hooks see it, its {@link ConnectionInfo#id() id}
   * (what {@code ChatServer.sendSystem} takes) and its username once it has one (after its first
   * join, unless the connect hook gave one). A snapshot, taken at each call. Empty on other
   * namespaces.
   */
  Optional<ConnectionInfo> chatConnection();

  /**
   * Application data kept with the socket for its lifetime, as socket.io's {@code socket.data} and
   * netty-socketio's {@code client.set}/{@code get}: on this node only, not recovered with the
   * socket, and gone at its disconnect. On the chat namespace it is the chat connection's data,
   * {@code ChatServer.connectionData(chatConnection().id())}, which the chat server's hooks share.
   */
  ConcurrentMap<String, Object> data();
}
