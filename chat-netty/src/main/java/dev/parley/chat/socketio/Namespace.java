package dev.parley.chat.socketio;

import dev.parley.chat.ConnectHook;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A Socket.IO namespace: hooks for its sockets' events, and broadcasts to its sockets. Hooks
 * may be registered at any time, from any thread, and apply to later packets. Each method that
 * registers one adds it after those of its kind already there, as socket.io's listeners are added:
 * several hooks of one event, of connects or of disconnects all run, in the order they were
 * registered, one after the other on the worker pool; one that throws is logged and the next still
 * runs. Hooks cannot be removed.
 *
 * <p>Lifecycle: a namespace lives as long as its {@code NettyChatServer}; {@link SocketIo#of}
 * returns the same instance for the same name. Every method is safe from any thread.
 */
public interface Namespace {
  /** The namespace's name, for example {@code "/"} or {@code "/admin"}. */
  String name();

  /**
   * Decides whether a client may connect, from its {@link dev.parley.chat.Handshake} (auth payload
   * and cookies included): the chat server's own {@link ConnectHook} type. A refusal reaches the
   * client as {@code connect_error} with the message (and data). Default: accept. With several, they
   * run in order until one refuses, and the first refusal is the answer. {@link
   * dev.parley.chat.ConnectDecision#acceptAs} names the socket's {@link SocketIoClient#user() user}
   * (the last one named wins); on the chat namespace, whose chat identity the chat server's connect
   * hook gives, it refuses the connect as a server error instead, logged.
   */
  Namespace onConnect(ConnectHook hook);

  /**
   * Called once a client is connected, before any of its events, on the worker pool; the client was
   * told it is connected already, so other clients may see it before this runs. For setup that must
   * be done first, see {@link #onSetup}.
   */
  Namespace onConnection(ConnectionHook hook);

  /**
   * Runs once a client's connect was accepted (by {@link #onConnect}, and on the chat namespace by
   * the chat server's connect hook), before the client is told it is connected, as socket.io's
   * middlewares run: rooms it joins and wherever it registers the socket are in place before the
   * client, or anyone it talks to, can act on the connect. On the worker pool, so it may block (the
   * CONNECT answer waits for it); then {@link #onConnection} runs. The socket is already in the
   * namespace: a broadcast meanwhile reaches it, and an emit it makes reaches the client before the
   * CONNECT answer (socket.io clients hold such events until they are connected). If it throws, the
   * client is connected all the same (the failure is logged); if the client goes away meanwhile, no
   * other hook runs for it, not even {@link #onDisconnect}.
   */
  Namespace onSetup(ConnectionHook hook);

  /**
   * Adds a step to every connect of this namespace, as socket.io's {@code io.use}: it sees the socket
   * before the client is told it is connected and may refuse it, with a message and data the client
   * gets in {@code connect_error}. Steps ({@code use} and {@link #onSetup}) run in the order they
   * were registered, on the worker pool; see {@link ConnectMiddleware}.
   */
  Namespace use(ConnectMiddleware middleware);

  /**
   * Handles a named event from a client; several hooks of one event run in the order they were
   * registered, sharing the one acknowledgement (the first {@link Ack#send} is the one sent).
   */
  Namespace on(String event, EventHook hook);

  /** Called after a client disconnected from this namespace, with the Socket.IO reason. */
  Namespace onDisconnect(SocketDisconnectHook hook);

  /**
   * Emits an event to every socket of this namespace, on every node of the cluster; see {@link
   * Broadcast#emit}.
   */
  CompletionStage<Void> emit(String event, Object... args);

  /**
   * Emits an event to every socket of this namespace, on every node, and collects their
   * acknowledgements; see {@link Broadcast#emitWithAck}.
   */
  CompletionStage<List<List<Object>>> emitWithAck(Duration timeout, String event, Object... args);

  /**
   * Emits an event to every socket of this namespace, on every node, that can take it at once, and
   * to no other; see {@link Broadcast#emitVolatile}.
   */
  CompletionStage<Void> emitVolatile(String event, Object... args);

  /** Starts a broadcast to the sockets in a room, on every node of the cluster. */
  Broadcast to(String room);

  /** Starts a broadcast to every socket except those in a room, on every node of the cluster. */
  Broadcast except(String room);

  /** Puts every socket of this namespace, on every node, in a room; see {@link Broadcast#socketsJoin}. */
  CompletionStage<Void> socketsJoin(String room);

  /** Takes every socket of this namespace, on every node, out of a room; see {@link Broadcast#socketsLeave}. */
  CompletionStage<Void> socketsLeave(String room);

  /** Disconnects every socket of this namespace, on every node; see {@link Broadcast#disconnectSockets}. */
  CompletionStage<Void> disconnectSockets();

  /**
   * Every socket of this namespace, on every node, as socket.io's {@code fetchSockets()}; see {@link
   * Broadcast#fetchSockets}.
   */
  CompletionStage<List<RemoteSocket>> fetchSockets();

  /** The connected socket with this id, if any, on this node. */
  Optional<SocketIoClient> socket(String id);

  /** The number of connected sockets on this node. */
  int size();
}
