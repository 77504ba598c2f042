/**
 * Parley's transport-agnostic chat server: rooms, users, hooks, history and delivery.
 *
 * <p>Applications use {@link dev.parley.chat.ChatServer}; transports (such as {@code chat-netty})
 * plug in through {@link dev.parley.chat.spi}.
 */
// "module": the qualified export names modules that depend on this one, so are not on its module path.
@SuppressWarnings("module")
module dev.parley.chat {
  requires org.slf4j;

  exports dev.parley.chat;
  exports dev.parley.chat.cluster;
  exports dev.parley.chat.history;
  exports dev.parley.chat.monitoring;
  exports dev.parley.chat.spi;
  // Not API: the one log-escaping helper, shared with Parley's own transport.
  exports dev.parley.chat.internal.logging to dev.parley.chat.netty;
  // Not API: the one serial runner, thread and header-map helpers, shared with Parley's own transport.
  exports dev.parley.chat.internal.concurrent to dev.parley.chat.netty;
  exports dev.parley.chat.internal.http to dev.parley.chat.netty;
  // Not API: a store's clock that takes the server's (HistoryStore.useServerClock), for Parley's JDBC store.
  exports dev.parley.chat.internal.clock to dev.parley.chat.store.jdbc;
}
