package dev.parley.chat.socketio;

/**
 * Told that a client connected to a namespace, before any of its events.
 *
 * <p>Threading: runs on the server's worker pool and may block; the calls for one socket run one
 * at a time, in order with its events, while one instance serves every socket of the namespace,
 * from several threads at once.
 */
@FunctionalInterface
public interface ConnectionHook {
  /**
   * Handles a new connection, for example by joining rooms or greeting the client.
   *
   * @param client the connected socket
   * @throws Exception on failure, which is logged
   */
  void onConnection(SocketIoClient client) throws Exception;
}
