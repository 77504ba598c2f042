/**
 * {@link dev.parley.chat.store.jdbc.JdbcHistoryStore}: room history and offline inboxes kept in
 * PostgreSQL or an embedded SQLite file, so that they survive a restart and, with the default {@link
 * dev.parley.chat.AckTiming#ON_COMMIT}, a crash. docs/stores.md describes setup, schema and tuning.
 */
package dev.parley.chat.store.jdbc;
