package dev.parley.chat;

/**
 * Called when a connection starts typing, or refreshes that it is (not when it stops, which is
 * always passed on); may refuse: the indicator then reaches nobody and the client gets the error.
 * Runs on the hook executor, once per typing notice that passed the rate limit ({@link
 * ChatConfig#typingPerSecond()}), so it should be quick. {@link HookResult#rewrite(String) rewrite}
 * and {@link HookResult#handled() handled} count as accept. A hook that throws refuses with {@link
 * ErrorCodes#INTERNAL_ERROR}. Without it, every typing notice is passed on.
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
  HookResult onTyping(TypingContext typing) throws Exception;
}
