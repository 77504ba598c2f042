package dev.parley.chat.internal.logging;

/**
 * Text from clients (names, event names, paths, message text, exception messages quoting input), made
 * safe to log: a client must not be able to forge log lines (CR, LF), drive the terminal that reads
 * the log (ESC and other C0/C1 controls), reorder what a reader sees (bidi overrides), or flood a
 * line. Control and invisible-formatting characters become Java-style escapes ({@code \n},
 * {@code \u001B}, {@code \u202E}), a backslash becomes {@code \\} so that escapes stay unambiguous,
 * and the text is cut at {@value #MAX_CHARS} characters.
 *
 * <p>{@link #of} escapes lazily: pass its result as an slf4j argument and the work is only done if
 * the line is logged. Thread-safe and immutable.
 */
public final class LogText {
  /** Enough for any name or id; message text and request dumps are cut. */
  public static final int MAX_CHARS = 256;
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final Object value;

  private LogText(Object value) {
    this.value = value;
  }

  /** A log argument that prints {@code value}'s {@code toString()} escaped; {@code null} prints as null. */
  public static LogText of(Object value) {
    return new LogText(value);
  }

  @Override
  public String toString() {
    return escape(value == null ? null : value.toString());
  }

  /** {@code text} escaped and bounded as the class describes; {@code null} stays "null". */
  public static String escape(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 16);
    int i = 0;
    while (i < text.length() && i < MAX_CHARS) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        out.append(c).append(text.charAt(i + 1)); // a pair is kept whole, even across the cut
        i += 2;
        continue;
      }
      if (c == '\\' || unsafe(c) || Character.isSurrogate(c)) {
        appendEscape(out, c);
      } else {
        out.append(c);
      }
      i++;
    }
    if (i < text.length()) {
      out.append("…(").append(text.length() - i).append(" more)");
    }
    return out.toString();
  }

  /** C0 and C1 controls and DEL, line and paragraph separators, and the bidi controls. */
  private static boolean unsafe(char c) {
    return c < 0x20 || (c >= 0x7F && c <= 0x9F)
        || c == '\u2028' || c == '\u2029'
        || c == '\u061C' || c == '\u200E' || c == '\u200F'
        || (c >= '\u202A' && c <= '\u202E')
        || (c >= '\u2066' && c <= '\u2069');
  }

  private static void appendEscape(StringBuilder out, char c) {
    switch (c) {
      case '\\' -> out.append("\\\\");
      case '\n' -> out.append("\\n");
      case '\r' -> out.append("\\r");
      case '\t' -> out.append("\\t");
      default -> out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF])
          .append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
    }
  }
}
