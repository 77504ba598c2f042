package dev.parley.chat.spi;

/**
 * The server's side of one client connection, returned by {@link
 * dev.parley.chat.ChatServer#open(ClientConnection)}. Safe to call from any thread; never blocks.
 *
 * <p>Lifecycle: one per {@link ClientConnection}; it lives until {@link #closed()} is called, after
 * which further requests are ignored.
 */
public interface ClientSession {

  /** The server-assigned connection id. */
  String id();

  /**
   * Hands the server one request from the client. Requests are handled in the order they are
   * received; errors are answered through {@link ClientConnection#send(ServerEvent)}.
   */
  void receive(ClientRequest request);

  /** Tells the server the connection is gone. Safe to call more than once. */
  void closed();
}
