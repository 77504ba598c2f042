package dev.parley.chat.store.jdbc.internal;

/** An append refused because the write queue is full: the database is not keeping up. */
final class HistoryQueueFullException extends IllegalStateException {
  HistoryQueueFullException(String message) {
    super(message);
  }
}
