package dev.parley.chat.bench.load;

import io.netty.buffer.ByteBuf;

/**
 * The send timestamps carried in a message's text: {@code ~<intended>~<actual>~} followed by padding,
 * both {@link System#nanoTime()}: when the schedule meant the message to go, and when it went. No name
 * or id the servers put in a frame can hold a {@code ~} (room and user names do not allow it, ids
 * are base 32 or hex), so the first one in a delivery starts the marker; finding it on the raw bytes
 * spares the generator a JSON parse per delivery.
 */
final class Marker {
  static final long NONE = Long.MIN_VALUE;

  private Marker() {}

  /** A message text of {@code length} characters (at least the marker's), stamped now and {@code intended}. */
  static String text(long intended, int length) {
    StringBuilder b = new StringBuilder(Math.max(length, 48)).append('~').append(intended).append('~')
        .append(System.nanoTime()).append('~');
    while (b.length() < length) {
      b.append('x');
    }
    return b.toString();
  }

  /** The intended send time in {@code frame}, or {@link #NONE}. */
  static long read(ByteBuf frame) {
    int at = frame.indexOf(frame.readerIndex(), frame.writerIndex(), (byte) '~');
    return at < 0 ? NONE : number(frame, at);
  }

  /** The actual send time in {@code frame}, or {@link #NONE}. */
  static long readActual(ByteBuf frame) {
    int end = frame.writerIndex();
    int at = frame.indexOf(frame.readerIndex(), end, (byte) '~');
    at = at < 0 ? -1 : frame.indexOf(at + 1, end, (byte) '~');
    return at < 0 ? NONE : number(frame, at);
  }

  /** The number after the {@code ~} at {@code at}, up to the next {@code ~}. */
  private static long number(ByteBuf frame, int at) {
    int end = frame.writerIndex();
    boolean negative = false;
    int i = at + 1;
    if (i < end && frame.getByte(i) == '-') {
      negative = true;
      i++;
    }
    long value = 0;
    int digits = 0;
    for (; i < end; i++) {
      byte b = frame.getByte(i);
      if (b == '~') {
        return digits == 0 ? NONE : negative ? -value : value;
      }
      if (b < '0' || b > '9') {
        return NONE;
      }
      value = value * 10 + (b - '0');
      digits++;
    }
    return NONE;
  }
}
