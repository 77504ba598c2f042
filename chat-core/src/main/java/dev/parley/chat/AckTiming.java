package dev.parley.chat;

/**
 * When the server acknowledges a client's message: the durability point. Live delivery to the other
 * members never waits for either.
 */
public enum AckTiming {
  /**
   * As soon as the message is accepted and queued to its recipients; the history store makes it
   * durable shortly after. A crash in between can lose acknowledged messages from history.
   */
  ON_RECEIPT,
  /**
   * Only once the history store has made the message durable (for a database: committed). A message
   * acknowledged this way survives a crash of the server process; if the store fails, the client gets
   * {@link ErrorCodes#HISTORY_UNAVAILABLE} instead of an acknowledgement.
   */
  ON_COMMIT
}
