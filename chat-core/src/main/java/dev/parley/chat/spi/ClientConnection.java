package dev.parley.chat.spi;

import dev.parley.chat.Handshake;

/**
 * The transport's side of one client connection. Implementations must be safe to call from any
 * thread and must never block.
 */
public interface ClientConnection {

  /** What the client presented when it connected. */
  Handshake handshake();

  /**
   * Queues an event for the client. The same event instance is often sent to many connections (a
   * room broadcast); transports should encode it once and reuse the bytes.
   *
   * @param event the event
   * @return {@code false} if the connection is closed or its outbound queue is full (the transport
   *     then closes it as a slow consumer)
   */
  boolean send(ServerEvent event);

  /**
   * Closes the connection after the events already queued, with a code from {@link CloseCodes}.
   * The transport later calls {@link ClientSession#closed()}.
   *
   * @param code the close code
   * @param reason a short reason for the client
   */
  void close(int code, String reason);
}
