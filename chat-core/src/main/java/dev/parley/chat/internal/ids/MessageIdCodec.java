package dev.parley.chat.internal.ids;

/**
 * How a message id spells the number it stands for: 13 Crockford base-32 digits of a positive long
 * (milliseconds since the epoch x 4096 + a counter), so that ids sort as text in the order they
 * were made. Not API: the chat server makes ids with it, and Parley's own transport reads them back
 * (connection state recovery). Stateless and thread-safe.
 */
public final class MessageIdCodec {
  private static final String DIGITS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

  private MessageIdCodec() {}

  /** The number an id encodes, or -1 if the text is not an id the chat server makes. */
  public static long decode(String id) {
    if (id == null || id.length() != 13 || DIGITS.indexOf(id.charAt(0)) > 7) {
      // 13 digits of 5 bits hold 65 bits; ids are positive longs, so the first digit is below 8.
      return -1;
    }
    long value = 0;
    for (int i = 0; i < 13; i++) {
      int digit = DIGITS.indexOf(id.charAt(i));
      if (digit < 0) {
        return -1;
      }
      value = (value << 5) | digit;
    }
    return value;
  }

  /** The id of a non-negative number. */
  public static String encode(long value) {
    char[] out = new char[13];
    for (int i = 12; i >= 0; i--) {
      out[i] = DIGITS.charAt((int) (value & 31));
      value >>>= 5;
    }
    return new String(out);
  }

  /** The milliseconds an id was made at: its number's top 52 bits. */
  public static long millis(long number) {
    return number >>> 12;
  }
}
