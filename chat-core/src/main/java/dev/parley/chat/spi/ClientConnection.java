package dev.parley.chat.spi;

import dev.parley.chat.Handshake;

/**
 * The transport's side of one client connection. Implementations must be safe to call from any
 * thread and must never block.
 *
 * <p>Lifecycle: one per client connection, made by the transport and given to {@link
 * dev.parley.chat.ChatServer#open}; once it has closed, {@code send} returns {@code false}.
 */
public interface ClientConnection {

  /** What the client presented when it connected. */
  Handshake handshake();

  /**
   * Queues an event for this client alone: a reply, an error, a welcome. Events for several
   * connections come through {@link #send(SharedEvent)}.
   *
   * @param event the event
   * @return {@code false} if the connection is closed or its outbound queue is full (the transport
   *     then closes it as a slow consumer)
   */
  boolean send(ServerEvent event);

  /**
   * Queues an event the server sends to several connections: the same {@link SharedEvent} instance
   * goes to each recipient, so a transport that encodes it with {@link SharedEvent#encoded} encodes
   * it once per wire format for all of them. The default sends {@link SharedEvent#event()} with
   * {@link #send(ServerEvent)}, encoding it for each recipient.
   *
   * @param event the event and its shared encodings
   * @return as {@link #send(ServerEvent)}
   */
  default boolean send(SharedEvent event) {
    return send(event.event());
  }

  /**
   * The id of an earlier connection of the same client that this one continues, when the transport
   * resumed the client's session (Socket.IO's connection state recovery): the name that connection
   * held passes to this one at its first claim, even if the earlier connection's node died and has
   * not been given up yet. Only the transport vouches for this, from state it kept itself; never take
   * it from what a client sends.
   *
   * @return the earlier connection's id ({@link dev.parley.chat.ConnectionInfo#id()}), or
   *     {@code null} (the default) for a new session
   */
  default String continues() {
    return null;
  }

  /**
   * Closes the connection after the events already queued, with a code from {@link CloseCodes}.
   * The transport later calls {@link ClientSession#closed()}.
   *
   * @param code the close code
   * @param reason a short reason for the client
   */
  void close(int code, String reason);
}
