package dev.parley.chat;

/**
 * Called when a connection starts typing, or refreshes that it is (not when it stops, which is
 * always passed on); may refuse: the indicator then reaches nobody and the client gets the error.
 * Runs on the hook executor, once per typing notice that passed the rate limit ({@link
 * ChatConfig#typingPerSecond()}), so it should be quick. It returns a {@link Decision}: accept or
 * reject. A hook that throws refuses with {@link ErrorCodes#INTERNAL_ERROR}. Without it, every
 * typing notice is passed on.
 *
 * <p>Threading: called on the hook executor ({@link ChatServer.Builder#hookExecutor}), by default
 * never a transport's I/O thread; calls for different connections may run at the same time, so an
 * implementation must be thread-safe. Lifecycle: given once to the {@link ChatServer.Builder} and
 * held by the server for its whole life; the server never closes it.
 */
@FunctionalInterface
public interface TypingHook {
  /**
   * Decides about a typing notice.
   *
   * @param typing who types where
   * @return accept, or reject with a code and message the client receives
   * @throws Exception on failure
   */
  Decision onTyping(TypingContext typing) throws Exception;
}
