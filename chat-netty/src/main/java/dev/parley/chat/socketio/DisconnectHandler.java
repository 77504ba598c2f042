package dev.parley.chat.socketio;

/** Told that a client left a namespace. */
@FunctionalInterface
public interface DisconnectHandler {
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
