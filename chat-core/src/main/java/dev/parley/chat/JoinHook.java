package dev.parley.chat;

/**
 * Called before a connection joins a room; may refuse it. Runs on the hook executor and may block.
 * {@link HookResult#rewrite(String) rewrite} and {@link HookResult#handled() handled} count as accept.
 * A hook that throws refuses the join with {@link ErrorCodes#INTERNAL_ERROR}.
 */
@FunctionalInterface
public interface JoinHook {
  /**
   * Decides about a join.
   *
   * @param join who joins which room
   * @return accept, or reject with a code and message the client receives
   * @throws Exception on failure
   */
  HookResult onJoin(RoomContext join) throws Exception;
}
