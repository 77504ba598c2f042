package dev.parley.chat.cluster;

import java.time.Instant;

/**
 * The form of message ids, for {@link ClusterEngine}s that make them. An id is a positive 64-bit
 * number, {@code epochMillis << 12} plus a counter for ids made in the same millisecond, written as
 * 13 Crockford base-32 digits, so that ids sort as text in the order they were made. An engine takes
 * {@link #next} of the newest id it made (or saw) and the time now; the message's time is {@link
 * #time} of its id. Stateless and thread-safe.
 */
public final class MessageIds {
  private static final char[] DIGITS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final byte[] VALUES = new byte[128];
  private static final int LENGTH = 13;
  private static final int COUNTER_BITS = 12;

  static {
    java.util.Arrays.fill(VALUES, (byte) -1);
    for (int i = 0; i < DIGITS.length; i++) {
      VALUES[DIGITS[i]] = (byte) i;
    }
  }

  private MessageIds() {}

  /**
   * The id after {@code last}: the first id of the current millisecond, or {@code last + 1} if that
   * is not greater (many ids in one millisecond, or a clock that went back).
   *
   * @param last the newest id made so far, or 0
   * @param nowMillis the time now
   * @return the next id
   */
  public static long next(long last, long nowMillis) {
    return Math.max(last + 1, nowMillis << COUNTER_BITS);
  }

  /** The text form of an id. */
  public static String format(long id) {
    char[] out = new char[LENGTH];
    long value = id;
    for (int i = LENGTH - 1; i >= 0; i--) {
      out[i] = DIGITS[(int) (value & 31)];
      value >>>= 5;
    }
    return new String(out);
  }

  /**
   * The number an id's text stands for.
   *
   * @return the id, or -1 if the text is not a message id
   */
  public static long parse(String id) {
    // 13 digits of 5 bits hold 65 bits; ids are positive longs, so the first digit is below 8.
    if (id == null || id.length() != LENGTH) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < LENGTH; i++) {
      char c = id.charAt(i);
      int digit = c < VALUES.length ? VALUES[c] : -1;
      if (digit < 0 || (i == 0 && digit > 7)) {
        return -1;
      }
      value = (value << 5) | digit;
    }
    return value;
  }

  /**
   * Whether a text has the form of a message id, as a transport checks what a client presents as
   * one (Socket.IO's recovery offset) before handing it to the server.
   *
   * @param text any text, or {@code null}
   * @return whether {@link #parse} reads a number from it
   */
  public static boolean isId(String text) {
    return parse(text) >= 0;
  }

  /** The time an id was made at. */
  public static Instant time(long id) {
    return Instant.ofEpochMilli(id >>> COUNTER_BITS);
  }
}
