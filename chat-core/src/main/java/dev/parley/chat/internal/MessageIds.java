package dev.parley.chat.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Message ids that are unique and sort in the order they were made, as text: 13 Crockford base-32
 * digits of (milliseconds since the epoch x 4096 + a counter). Recovery after a reconnect can then ask
 * for "everything after id X".
 */
final class MessageIds {
  private static final char[] DIGITS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private final AtomicLong last = new AtomicLong();

  String next(long epochMillis) {
    long candidate = epochMillis << 12;
    long value = last.updateAndGet(prev -> Math.max(prev + 1, candidate));
    return encode(value);
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
