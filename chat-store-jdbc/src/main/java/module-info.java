/**
 * A durable {@link dev.parley.chat.history.HistoryStore} on PostgreSQL or an embedded SQLite file:
 * {@link dev.parley.chat.store.jdbc.JdbcHistoryStore}.
 */
module dev.parley.chat.store.jdbc {
  requires transitive dev.parley.chat;
  requires transitive java.sql;
  requires com.google.gson;
  requires org.slf4j;

  exports dev.parley.chat.store.jdbc;
}
