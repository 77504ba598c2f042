/**
 * Where messages are kept: the {@link dev.parley.chat.history.HistoryStore} a {@link
 * dev.parley.chat.ChatServer} writes room history and offline users' private messages to, and reads
 * them back from for joins, history pages and recovery after a reconnect.
 */
package dev.parley.chat.history;
