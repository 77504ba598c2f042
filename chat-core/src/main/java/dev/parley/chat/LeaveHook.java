package dev.parley.chat;

/**
 * Told after a connection left a room, whether it asked to or disconnected. Runs on the hook
 * executor; exceptions are logged.
 *
 * <p>Threading: called on the hook executor ({@link ChatServer.Builder#hookExecutor}), by default
 * never a transport's I/O thread; calls for different connections may run at the same time, so an
 * implementation must be thread-safe. Lifecycle: given once to the {@link ChatServer.Builder} and
 * held by the server for its whole life; the server never closes it.
 */
@FunctionalInterface
public interface LeaveHook {
  /**
   * Observes a leave.
   *
   * @param leave who left which room
   * @throws Exception on failure, which is logged
   */
  void onLeave(RoomContext leave) throws Exception;
}
