package dev.parley.chat.socketio;

/**
 * Told that a client left a namespace.
 *
 * <p>Threading: runs on the server's worker pool and may block; one instance serves every socket
 * of the namespace, from several threads at once. The socket can no longer send: what it emits then
 * is dropped.
 */
@FunctionalInterface
public interface SocketDisconnectHook {
  /**
   * Handles a disconnect.
   *
   * @param client the socket, no longer connected
   * @param reason Socket.IO's reason, for example {@code "client namespace disconnect"}, {@code
   *     "transport close"}, {@code "ping timeout"} or {@code "server namespace disconnect"}
   * @throws Exception on failure, which is logged
   */
  void onDisconnect(SocketIoClient client, String reason) throws Exception;
}
