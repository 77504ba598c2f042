package dev.parley.chat;

/**
 * Decides whether a client may clear a room's history. Without this hook every client request to
 * clear is refused with {@link ErrorCodes#FORBIDDEN}; {@link ChatServer#clearHistory(String)} from
 * server code is always allowed. Runs on the hook executor and may block.
 *
 * <p>Threading: called on the hook executor ({@link ChatServer.Builder#hookExecutor}), by default
 * never a transport's I/O thread; calls for different connections may run at the same time, so an
 * implementation must be thread-safe. Lifecycle: given once to the {@link ChatServer.Builder} and
 * held by the server for its whole life; the server never closes it.
 */
@FunctionalInterface
public interface ClearHistoryHook {
  /**
   * Decides about a clear request.
   *
   * @param clear who asks to clear which room
   * @return accept to clear, reject with a code and message the client receives, or handled when
   *     the hook dealt with the request itself
   * @throws Exception on failure, which refuses with {@link ErrorCodes#INTERNAL_ERROR}
   */
  ClearHistoryDecision onClearHistory(RoomContext clear) throws Exception;
}
