package dev.parley.chat.netty.internal;

/**
 * Why an Engine.IO session or a Socket.IO socket ended. Each reason knows the reason Socket.IO's
 * disconnect hooks are given for it, and whether the client may come back and recover its
 * session (Socket.IO's connection state recovery): only after a failure it did not choose.
 * Immutable.
 */
public enum CloseReason {
  /**
   * The client closed its whole connection, as a stock client does when its engine is closed or
   * replaced: Socket.IO calls that a transport close, one the client may recover from. A deliberate
   * disconnect is {@link #CLIENT_NAMESPACE_DISCONNECT}.
   */
  CLIENT_CLOSE("client close", "transport close", true),
  /** The WebSocket carrying the session closed. */
  TRANSPORT_CLOSE("transport close", "transport close", true),
  /** The client read too slowly: its queue went over its bound. */
  TRANSPORT_ERROR("transport error", "transport close", true),
  /** The client sent what does not parse, or breaks the protocol. */
  PARSE_ERROR("parse error", "parse error", false),
  /** Two long-polls at once. */
  POLL_OVERLAP("poll overlap", "transport close", true),
  /** The connection of the waiting long-poll dropped. */
  POLL_CANCELLED("poll request cancelled", "transport close", true),
  /** No pong within the ping timeout. */
  PING_TIMEOUT("ping timeout", "ping timeout", true),
  /** The server is stopping; WebSockets close with 1001. */
  SERVER_SHUTTING_DOWN("server shutting down", "server shutting down", false),
  /**
   * The server disconnected the socket; as the session's reason, its last socket, whose DISCONNECT
   * packet must still reach the client before the close.
   */
  SERVER_NAMESPACE_DISCONNECT("server namespace disconnect", "server namespace disconnect", false),
  /** The client left the namespace. */
  CLIENT_NAMESPACE_DISCONNECT("client namespace disconnect", "client namespace disconnect", false),
  /** A packet out of order for its namespace, which the reference server answers by closing. */
  FORCED_SERVER_CLOSE("forced server close", "forced server close", false),
  /** The client never connected to a namespace in time. */
  CONNECT_TIMEOUT("connect timeout", "transport close", true),
  /** The client sent events faster than its handlers ran. */
  TOO_MANY_PENDING_EVENTS("too many pending events", "transport close", true),
  /** The chat server asked the client to reconnect (it was evicted, say): it comes back and recovers. */
  RECONNECT_REQUESTED("the chat server asked the client to reconnect", "transport close", true);

  private final String text;
  private final String socketIoReason;
  private final boolean recoverable;

  CloseReason(String text, String socketIoReason, boolean recoverable) {
    this.text = text;
    this.socketIoReason = socketIoReason;
    this.recoverable = recoverable;
  }

  /** The reason Socket.IO's disconnect hooks get, as socket.io's own server names it. */
  public String socketIoReason() {
    return socketIoReason;
  }

  /** Whether the client may reconnect and recover what it missed. */
  public boolean recoverable() {
    return recoverable;
  }

  /** What the log says. */
  @Override
  public String toString() {
    return text;
  }
}
