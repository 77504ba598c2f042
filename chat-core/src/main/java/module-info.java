/**
 * Parley's transport-agnostic chat server: rooms, users, hooks, history and delivery.
 *
 * <p>Applications use {@link dev.parley.chat.ChatServer}; transports (such as {@code chat-netty})
 * plug in through {@link dev.parley.chat.spi}.
 */
module dev.parley.chat {
  requires org.slf4j;

  exports dev.parley.chat;
  exports dev.parley.chat.history;
  exports dev.parley.chat.spi;
}
