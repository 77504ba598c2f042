package dev.parley.chat.internal;

import dev.parley.chat.internal.ids.MessageIdCodec;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Message ids that are unique and sort in the order they were made, as text: 13 Crockford base-32
 * digits of (milliseconds since the epoch x 4096 + a counter). Recovery after a reconnect can then ask
 * for "everything after id X".
 */
final class MessageIds {
  private final AtomicLong last = new AtomicLong();

  String next(long epochMillis) {
    long candidate = epochMillis << 12;
    long value = last.updateAndGet(prev -> Math.max(prev + 1, candidate));
    return MessageIdCodec.encode(value);
  }

  /**
   * Makes every later id sort after {@code id}: ids loaded from a history store were made by an
   * earlier run, whose clock may have been ahead of this one's.
   */
  void advancePast(String id) {
    long value = MessageIdCodec.decode(id);
    if (value >= 0) {
      last.accumulateAndGet(value, Math::max);
    }
  }

  /** Whether no id was made after this one, by any thread. */
  boolean isNewest(String id) {
    return MessageIdCodec.decode(id) == last.get();
  }

  /** Whether a valid id sorts after every id made here or passed to {@link #advancePast}. */
  boolean isAfterNewest(String id) {
    return MessageIdCodec.decode(id) > last.get();
  }

  /** The milliseconds an id was made at, or -1 if the text is not an id this class makes. */
  static long millis(String id) {
    long value = MessageIdCodec.decode(id);
    return value < 0 ? -1 : MessageIdCodec.millis(value);
  }
}
