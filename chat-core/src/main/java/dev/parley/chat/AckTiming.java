package dev.parley.chat;

/**
 * When the server acknowledges a client's message: the durability point. Live delivery to the other
 * members never waits for either. The default is {@link #ON_COMMIT}, which never acknowledges what
 * a crash could lose; with the in-memory store, whose appends complete at once, the two are the same.
 *
 * <p>Threading and lifecycle: an enum, immutable and safe to share between threads; chosen once in
 * the {@link ChatConfig}.
 */
public enum AckTiming {
  /**
   * As soon as the message is accepted and queued to its recipients; the history store makes it
   * durable shortly after. With a database it is an opt-in that saves the sender one commit of
   * latency, at a risk: a crash (SIGKILL, power cut) loses the acknowledged messages the store had
   * not committed yet, typically those of the last few milliseconds, more while the database is slow.
   */
  ON_RECEIPT,
  /**
   * Only once the history store has made the message durable (for a database: committed). A message
   * acknowledged this way survives a crash of the server process; if the store fails, the client gets
   * {@link ErrorCodes#HISTORY_UNAVAILABLE} instead of an acknowledgement. The default. A store that
   * commits in batches (such as {@code JdbcHistoryStore}) acknowledges the messages of many senders
   * with one commit.
   */
  ON_COMMIT
}
