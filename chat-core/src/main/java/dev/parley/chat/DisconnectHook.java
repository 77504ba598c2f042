package dev.parley.chat;

/**
 * Told after a connection closed and left its rooms. Runs on the hook executor; exceptions are logged.
 *
 * <p>Threading: called on the hook executor ({@link ChatServer.Builder#hookExecutor}), by default
 * never a transport's I/O thread; calls for different connections may run at the same time, so an
 * implementation must be thread-safe. Lifecycle: given once to the {@link ChatServer.Builder} and
 * held by the server for its whole life; the server never closes it.
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
