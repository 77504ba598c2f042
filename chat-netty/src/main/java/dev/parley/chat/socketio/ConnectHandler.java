package dev.parley.chat.socketio;

/** Decides whether a client may connect to a namespace. Runs on the worker pool and may block. */
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
