package dev.parley.chat.monitoring;

import dev.parley.chat.MessageKind;
import java.util.function.LongSupplier;

/**
 * Listens to what a chat server does, for metrics: register one with {@link
 * dev.parley.chat.ChatServer.Builder#metrics(ChatMetrics)}. The server reports to it, and so do its
 * transport ({@code NettyChatServer} takes it from {@link dev.parley.chat.ChatServer#metrics()}) and
 * its cluster engine (from {@link dev.parley.chat.cluster.LocalNode#metrics()}). Every method has
 * an empty default, so an implementation overrides what it counts; {@link #NONE}, the default,
 * counts nothing and costs nothing: the server skips its clock readings when it is given.
 *
 * <h2>Threading</h2>
 * Methods are called on whichever thread did the work: Netty I/O threads (connections, slow
 * consumers), the hook executor (requests, hooks, refusals, most deliveries), the cluster engine's
 * threads (deliveries of what other nodes published) and the history store's threads (store
 * timings). They are called concurrently, so an implementation must be thread-safe, and they sit on
 * the hot path: they must not block, should not allocate, and must not throw (an exception escapes
 * into the code that reported). A delivery is reported once per fan-out with its number of
 * recipients, never once per recipient.
 *
 * <h2>Lifecycle</h2>
 * {@link #gauge} is called while the server, its transport or its engine is built or started, once
 * per source; the supplier may then be read at any time from any thread, and keeps answering (with
 * what is left, typically zero) after its source stopped. Events are reported from then until the
 * server is closed. The server never closes a listener.
 */
public interface ChatMetrics {

  /** Counts nothing; the default. */
  ChatMetrics NONE = new ChatMetrics() {};

  /** The protocol a client connection speaks. */
  enum Protocol {
    /** Parley's JSON protocol over WebSocket (docs/protocol.md). */
    JSON,
    /** Socket.IO v4, over long-polling or WebSocket: one connection per Engine.IO session. */
    SOCKET_IO
  }

  /** A value read when it is sampled. */
  enum Gauge {
    /** Rooms this node has at least one connection in. Reported by the chat server. */
    ROOMS,
    /** Users with at least one connection on this node. Reported by the chat server. */
    USERS,
    /**
     * Bytes of WebSocket frames queued for clients and not yet handed to the socket, over every
     * connection (both protocols' WebSockets; long-polling excluded). Reported by the transport.
     */
    OUTBOUND_QUEUE_BYTES,
    /**
     * Deliveries from the cluster waiting for this node's engine thread: how far this node lags
     * behind what the other nodes publish. Reported by an engine for several nodes.
     */
    CLUSTER_BACKLOG
  }

  /** A hook, for its latency. */
  enum Hook {
    /** {@link dev.parley.chat.ConnectHook}. */
    CONNECT,
    /** {@link dev.parley.chat.JoinHook}. */
    JOIN,
    /** {@link dev.parley.chat.MessageHook}. */
    MESSAGE,
    /** {@link dev.parley.chat.LeaveHook}. */
    LEAVE,
    /** {@link dev.parley.chat.DisconnectHook}. */
    DISCONNECT,
    /** {@link dev.parley.chat.ClearHistoryHook}. */
    CLEAR_HISTORY,
    /** {@link dev.parley.chat.TypingHook}. */
    TYPING,
    /** {@link dev.parley.chat.ModerationHook}. */
    MODERATION,
    /** {@link dev.parley.chat.ReadHook}. */
    READ,
    /** {@link dev.parley.chat.ChangeHook}. */
    CHANGE
  }

  /** A history store operation, for its latency. */
  enum StoreOperation {
    /** An append, until the message is durable (committed) or the store failed it. */
    APPEND,
    /** A read: a history page, a join's recent messages, a recovery, an inbox. */
    READ,
    /** A removal or a clear, until it is durable. */
    REMOVE
  }

  /**
   * A value to sample: called once per source, when the source is built or started. A gauge may be
   * given by several sources (two transports on one server): their values add up.
   *
   * @param gauge which value
   * @param value reads it; cheap, non-blocking, safe from any thread
   */
  default void gauge(Gauge gauge, LongSupplier value) {}

  /**
   * A client connection opened (for Socket.IO, an Engine.IO session). Reported by the transport.
   *
   * @param protocol its protocol
   */
  default void connectionOpened(Protocol protocol) {}

  /**
   * A client connection that was {@link #connectionOpened opened} closed, once per connection.
   *
   * @param protocol its protocol
   */
  default void connectionClosed(Protocol protocol) {}

  /**
   * The transport closed a connection because more than {@code maxQueuedBytes} waited to be sent to
   * it (JSON clients get close code 4000; a Socket.IO session is closed).
   *
   * @param protocol its protocol
   */
  default void slowConsumerClosed(Protocol protocol) {}

  /**
   * A client sent a message: {@link MessageKind#ROOM} for a room message, {@link
   * MessageKind#PRIVATE} for a private one (an {@code @name} one included). Counted when the server
   * handles the request, before its checks and hooks, so refused messages count too; a frame too
   * malformed to be a message, or one dropped as {@code RATE_LIMITED} or {@code OVERLOADED} before it
   * is handled, does not.
   *
   * @param kind its kind
   */
  default void messageReceived(MessageKind kind) {}

  /**
   * A message was queued to this node's connections: once per fan-out (a room's entry, a private
   * message to one user's connections, a notice to one connection), with how many connections it
   * was queued to. Fan-outs that reached no connection are reported too, with zero.
   *
   * @param kind the message's kind
   * @param connections how many connections it was queued to
   */
  default void delivered(MessageKind kind, int connections) {}

  /**
   * The server answered a client's request (or its connection) with an error frame.
   *
   * @param code the error code: one of {@link dev.parley.chat.ErrorCodes}, or a hook's own
   */
  default void refused(String code) {}

  /**
   * A hook returned or threw. The time is how long it ran, also when it ran past its deadline and
   * the client was already answered with {@code HOOK_TIMEOUT}.
   *
   * @param hook which hook
   * @param nanos how long it took
   */
  default void hookCompleted(Hook hook, long nanos) {}

  /**
   * A history store operation completed or failed.
   *
   * @param operation which operation
   * @param nanos how long it took, to durability for appends and removals
   * @param failed whether it failed
   */
  default void storeCompleted(StoreOperation operation, long nanos, boolean failed) {}

  /**
   * An engine for several nodes got its connection to the shared state (for example Redis) back
   * after losing it. Reported by the engine.
   */
  default void clusterReconnected() {}
}
