package dev.parley.chat;

/**
 * Told after a connection left a room, whether it asked to or disconnected. Runs on the hook
 * executor; exceptions are logged.
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
