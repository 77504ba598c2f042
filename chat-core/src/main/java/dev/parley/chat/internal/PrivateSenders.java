package dev.parley.chat.internal;

/**
 * The users a connection was handed private messages from, each with the newest such message's id:
 * the conversations it may mark read. The server keeps no private message once delivered, so this
 * is what it knows of them. Bounded at {@link #MAX} senders, the least recently heard from forgotten
 * first. Thread-safe: recorded on whatever thread delivers, read on the session's inbox.
 *
 * <p>Recorded for every private message delivered, so it is kept in arrays that grow to {@link #MAX}
 * and are then reused: a record allocates nothing, and a connection that talks to a few users holds
 * a few slots. A linked map in access order cost an entry per new sender and relinked old entries on
 * every message, which the collector then had to follow.
 */
final class PrivateSenders {
  /** The most senders a connection remembers. */
  static final int MAX = 64; // each slot costs about 12 bytes, and anonymous users choose their names
  private static final int FIRST = 4;

  private String[] senders; // made at the first private message
  private String[] newest;
  /** When each sender was last heard from, by {@link #clock}; compared by difference, so it may wrap. */
  private int[] heard;
  private int size;
  private int clock;

  /** A private message from {@code sender} with id {@code id} was handed to the connection. */
  synchronized void record(String sender, String id) {
    int i = indexOf(sender);
    if (i < 0) {
      i = freeSlot();
      senders[i] = sender;
      newest[i] = id;
    } else if (id.compareTo(newest[i]) > 0) {
      newest[i] = id;
    }
    heard[i] = ++clock;
  }

  /** The newest id of a private message from {@code sender} the connection was handed, or {@code null}. */
  synchronized String newest(String sender) {
    int i = indexOf(sender);
    return i < 0 ? null : newest[i];
  }

  /**
   * Takes on what {@code earlier}, the senders of a connection this one continues, remembers: the
   * least recently heard from first, so that the order of forgetting carries over too.
   */
  void takeFrom(PrivateSenders earlier) {
    String[][] pairs = earlier.snapshot();
    for (String[] pair : pairs) {
      record(pair[0], pair[1]);
    }
  }

  /** Whether it remembers nobody. */
  synchronized boolean isEmpty() {
    return size == 0;
  }

  /** Sender and newest id, the least recently heard from first. */
  private synchronized String[][] snapshot() {
    Integer[] order = new Integer[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Integer.compare(heard[a] - clock, heard[b] - clock));
    String[][] pairs = new String[size][];
    for (int i = 0; i < size; i++) {
      pairs[i] = new String[] {senders[order[i]], newest[order[i]]};
    }
    return pairs;
  }

  private int indexOf(String sender) {
    int hash = sender.hashCode();
    for (int i = 0; i < size; i++) {
      String s = senders[i];
      if (s.hashCode() == hash && s.equals(sender)) {
        return i;
      }
    }
    return -1;
  }

  /** A slot for a new sender: a free one, after growing if need be, or the least recently heard from. */
  private int freeSlot() {
    if (senders == null) {
      senders = new String[FIRST];
      newest = new String[FIRST];
      heard = new int[FIRST];
    } else if (size == senders.length && size < MAX) {
      int capacity = Math.min(size * 2, MAX);
      senders = java.util.Arrays.copyOf(senders, capacity);
      newest = java.util.Arrays.copyOf(newest, capacity);
      heard = java.util.Arrays.copyOf(heard, capacity);
    }
    if (size < senders.length) {
      return size++;
    }
    int oldest = 0;
    for (int i = 1; i < size; i++) {
      if (heard[i] - heard[oldest] < 0) {
        oldest = i;
      }
    }
    return oldest;
  }
}
