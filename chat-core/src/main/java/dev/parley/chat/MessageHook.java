package dev.parley.chat;

/**
 * Called for every room and private message a client sends, before it is delivered. It may accept,
 * rewrite the content, reject with an error code, or handle the message itself. Runs on the hook
 * executor and may block. A hook that throws refuses the message with {@link
 * ErrorCodes#INTERNAL_ERROR}.
 *
 * <p>Messages that server code sends through {@link ChatServer} actions do not pass through this
 * hook.
 */
@FunctionalInterface
public interface MessageHook {
  /**
   * Decides about a message.
   *
   * @param message the message and its sender
   * @return what to do with it
   * @throws Exception on failure
   */
  HookResult onMessage(MessageContext message) throws Exception;
}
