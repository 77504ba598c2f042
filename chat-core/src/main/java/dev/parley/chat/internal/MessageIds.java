package dev.parley.chat.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Message ids that are unique and sort in the order they were made, as text: 13 Crockford base-32
 * digits of (milliseconds since the epoch x 4096 + a counter). Recovery after a reconnect can then ask
 * for "everything after id X".
 */
final class MessageIds {
  private static final char[] DIGITS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final String DIGIT_VALUES = new String(DIGITS);
  private final AtomicLong last = new AtomicLong();

  String next(long epochMillis) {
    long candidate = epochMillis << 12;
    long value = last.updateAndGet(prev -> Math.max(prev + 1, candidate));
    return encode(value);
  }

  /**
   * Makes every later id sort after {@code id}: ids loaded from a history store were made by an
   * earlier run, whose clock may have been ahead of this one's.
   */
  void advancePast(String id) {
    long value = decode(id);
    if (value >= 0) {
      last.accumulateAndGet(value, Math::max);
    }
  }

  /** Whether no id was made after this one, by any thread. */
  boolean isNewest(String id) {
    return decode(id) == last.get();
  }

  /** Whether a valid id sorts after every id made here or passed to {@link #advancePast}. */
  boolean isAfterNewest(String id) {
    return decode(id) > last.get();
  }

  /** The milliseconds an id was made at, or -1 if the text is not an id this class makes. */
  static long millis(String id) {
    long value = decode(id);
    return value < 0 ? -1 : value >>> 12;
  }

  /** The number an id encodes, or -1 if the text is not an id this class makes. */
  private static long decode(String id) {
    if (id.length() != 13 || DIGIT_VALUES.indexOf(id.charAt(0)) > 7) {
      // 13 digits of 5 bits hold 65 bits; ids are positive longs, so the first digit is below 8.
      return -1;
    }
    long value = 0;
    for (int i = 0; i < 13; i++) {
      int digit = DIGIT_VALUES.indexOf(id.charAt(i));
      if (digit < 0) {
        return -1;
      }
      value = (value << 5) | digit;
    }
    return value;
  }

  static String encode(long value) {
    char[] out = new char[13];
    for (int i = 12; i >= 0; i--) {
      out[i] = DIGITS[(int) (value & 31)];
      value >>>= 5;
    }
    return new String(out);
  }
}
