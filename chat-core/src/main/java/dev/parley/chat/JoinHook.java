package dev.parley.chat;

/**
 * Called before a connection joins a room; may refuse it. Runs on the hook executor and may block.
 * It returns a {@link Decision}: accept or reject.
 * A hook that throws refuses the join with {@link ErrorCodes#INTERNAL_ERROR}.
 *
 * <p>Threading: called on the hook executor ({@link ChatServer.Builder#hookExecutor}), by default
 * never a transport's I/O thread; calls for different connections may run at the same time, so an
 * implementation must be thread-safe. Lifecycle: given once to the {@link ChatServer.Builder} and
 * held by the server for its whole life; the server never closes it.
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
  Decision onJoin(RoomContext join) throws Exception;
}
