package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.cluster.MessageIds;

/**
 * The room messages a Socket.IO client sent itself, which a recovery must not replay to it: at most
 * {@code max}, oldest forgotten first, kept as the numbers their ids encode in a ring that starts
 * small and grows as needed.
 *
 * <p>An id older than the chat server's recovery window is forgotten as soon as a newer message is
 * added: a room replays only messages after the client's {@code since}, and only when {@code since}
 * is at most that window old ({@link dev.parley.chat.ChatConfig#recoveryWindow()}); message ids
 * sort in time order and encode at least the time of their message. So once an own message's id
 * is older than the window measured from a later message's time, no recovery can bring it back.
 * Measuring from message times, not a clock of its own, keeps this right under the chat server's
 * clock, whatever it is, as long as it does not go back.
 *
 * <p>Not thread-safe: its owner guards it. Lives as long as its socket, then, copied, as long as
 * the socket's saved state.
 */
final class OwnMessageIds {
  private static final int FIRST_CAPACITY = 4;

  private final int max;
  private final long windowMillis;
  private long[] ring;
  /** Index of the oldest id. */
  private int head;
  private int size;

  /** {@code max} is at least 1, as {@link dev.parley.chat.ChatConfig#maxRecoveredMessages()}. */
  OwnMessageIds(int max, long windowMillis) {
    this(max, windowMillis, new long[Math.min(FIRST_CAPACITY, max)], 0);
  }

  /** Holds the first {@code size} ids of {@code ring}, oldest first. */
  private OwnMessageIds(int max, long windowMillis, long[] ring, int size) {
    this.max = max;
    this.windowMillis = windowMillis;
    this.ring = ring;
    this.size = size;
  }

  /** Remembers a message this client sent, and forgets those a recovery can no longer replay. */
  void add(ChatMessage sent) {
    // An edit or deletion is replayed under its revision, its place in the room's order.
    long id = MessageIds.parse(sent.revision() != null ? sent.revision() : sent.id());
    if (id < 0) {
      return; // not an id the chat server makes; no room would replay it under it
    }
    long oldestKept = MessageIds.time(id).toEpochMilli() - windowMillis;
    while (size > 0 && MessageIds.time(ring[head]).toEpochMilli() < oldestKept) {
      dropOldest();
    }
    append(id);
  }

  boolean contains(String messageId) {
    long id = MessageIds.parse(messageId);
    if (id < 0) {
      return false;
    }
    for (int i = 0; i < size; i++) {
      if (at(i) == id) {
        return true;
      }
    }
    return false;
  }

  int size() {
    return size;
  }

  /** How many ids it has room for before it grows. */
  int capacity() {
    return ring.length;
  }

  /** The same ids in an array just large enough. */
  OwnMessageIds copy() {
    return new OwnMessageIds(max, windowMillis, inOrder(size), size);
  }

  /** The ids, oldest first: what a socket's kept state holds. */
  long[] ids() {
    return inOrder(size);
  }

  /**
   * Ids a socket's kept state held, oldest first, within this node's bounds: past {@code max}, the
   * newest.
   */
  static OwnMessageIds of(int max, long windowMillis, long[] ids) {
    long[] newest = java.util.Arrays.copyOfRange(ids, Math.max(0, ids.length - max), ids.length);
    return new OwnMessageIds(max, windowMillis, newest.length == 0 ? new long[1] : newest, newest.length);
  }

  private void append(long id) {
    if (size == max) {
      dropOldest();
    } else if (size == ring.length) {
      grow();
    }
    ring[(head + size) % ring.length] = id;
    size++;
  }

  /** The i-th oldest id. */
  private long at(int i) {
    return ring[(head + i) % ring.length];
  }

  /** The ids, oldest first, in a new array of this length. */
  private long[] inOrder(int length) {
    long[] ids = new long[length];
    for (int i = 0; i < size; i++) {
      ids[i] = at(i);
    }
    return ids;
  }

  private void dropOldest() {
    head = (head + 1) % ring.length;
    size--;
  }

  /** Called when full and below {@code max}: doubles, the oldest first again. */
  private void grow() {
    ring = inOrder(Math.min(max, Math.max(FIRST_CAPACITY, ring.length * 2)));
    head = 0;
  }
}
