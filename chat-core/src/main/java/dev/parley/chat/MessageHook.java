package dev.parley.chat;

/**
 * Called for every room and private message a client sends, before it is delivered. It returns a
 * {@link MessageDecision}: accept, rewrite the content, reject with an error code, or handle the
 * message itself. Runs on the hook
 * executor and may block. A hook that throws refuses the message with {@link
 * ErrorCodes#INTERNAL_ERROR}.
 *
 * <p>Messages that server code sends through {@link ChatServer} actions do not pass through this
 * hook.
 *
 * <p>Threading: called on the hook executor ({@link ChatServer.Builder#hookExecutor}), by default
 * never a transport's I/O thread; calls for different connections may run at the same time, so an
 * implementation must be thread-safe. Lifecycle: given once to the {@link ChatServer.Builder} and
 * held by the server for its whole life; the server never closes it.
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
  MessageDecision onMessage(MessageContext message) throws Exception;
}
