package dev.parley.chat;

/**
 * Told after a connection closed and left its rooms. Runs on the hook executor; exceptions are logged.
 */
@FunctionalInterface
public interface DisconnectHook {
  /**
   * Observes a disconnect.
   *
   * @param disconnect the connection that closed
   * @throws Exception on failure, which is logged
   */
  void onDisconnect(ConnectionContext disconnect) throws Exception;
}
