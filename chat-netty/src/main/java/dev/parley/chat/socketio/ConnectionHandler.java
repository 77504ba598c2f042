package dev.parley.chat.socketio;

/** Told that a client connected to a namespace, before any of its events. */
@FunctionalInterface
public interface ConnectionHandler {
  /**
   * Handles a new connection, for example by joining rooms or greeting the client.
   *
   * @param client the connected socket
   * @throws Exception on failure, which is logged
   */
  void onConnection(SocketIoClient client) throws Exception;
}
