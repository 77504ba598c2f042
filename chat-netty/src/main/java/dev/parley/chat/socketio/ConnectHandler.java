package dev.parley.chat.socketio;

/**
 * Decides whether a client may connect to a namespace.
 *
 * <p>Threading: runs on the server's worker pool, never on an I/O thread, so it may block; the
 * client's CONNECT answer waits for it (within {@code connectTimeout}). One instance serves every
 * client of the namespace, so it may be called from several threads at once.
 */
@FunctionalInterface
public interface ConnectHandler {
  /**
   * Decides about a connection.
   *
   * @param handshake the client's HTTP handshake and auth payload
   * @return accept, or reject with a message the client receives in {@code connect_error}
   * @throws Exception on failure, which refuses the connection with a generic message
   */
  ConnectDecision onConnect(SocketIoHandshake handshake) throws Exception;
}
