package dev.parley.chat;

/**
 * When the server acknowledges a client's message: the durability point. Live delivery to the other
 * members never waits for either. Unless {@link ChatConfig.Builder#ackTiming set}, a server with a
 * {@link dev.parley.chat.history.HistoryStore#persistent() persistent} history store (a database)
 * uses {@link #ON_COMMIT} and one with an in-memory store {@link #ON_RECEIPT}: see {@link
 * ChatConfig#ackTiming(dev.parley.chat.history.HistoryStore)}.
 */
public enum AckTiming {
  /**
   * As soon as the message is accepted and queued to its recipients; the history store makes it
   * durable shortly after. The default with an in-memory store, where it is the same as {@link
   * #ON_COMMIT}. With a persistent store it is an opt-in that saves the sender one commit of latency,
   * at a risk: a crash (SIGKILL, power cut) loses the acknowledged messages the store had not
   * committed yet, typically those of the last few milliseconds, more while the database is slow.
   */
  ON_RECEIPT,
  /**
   * Only once the history store has made the message durable (for a database: committed). A message
   * acknowledged this way survives a crash of the server process; if the store fails, the client gets
   * {@link ErrorCodes#HISTORY_UNAVAILABLE} instead of an acknowledgement. The default with a
   * persistent store. A store that commits in batches (such as {@code JdbcHistoryStore}) acknowledges
   * the messages of many senders with one commit.
   */
  ON_COMMIT
}
