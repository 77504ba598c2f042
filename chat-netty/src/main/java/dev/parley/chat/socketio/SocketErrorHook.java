package dev.parley.chat.socketio;

/**
 * Told what an {@link EventMiddleware} refused one of a socket's events with, as socket.io's {@code
 * socket.on("error", ...)}: registered with {@link SocketIoClient#onError}. Not the chat server's
 * error codes, which clients receive: the client is not told of a middleware's refusal.
 *
 * <p>Threading: runs on the worker pool, in the socket's order, and may block; several run in the
 * order they were added. Lifecycle: held by its socket until the socket disconnects.
 */
@FunctionalInterface
public interface SocketErrorHook {
  /**
   * Handles a refusal.
   *
   * @param client the socket whose event was refused
   * @param error what the middleware threw
   * @throws Exception on failure, which is logged; the next hook still runs
   */
  void onError(SocketIoClient client, Exception error) throws Exception;
}
