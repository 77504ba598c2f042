package dev.parley.chat.cluster;

import java.util.Arrays;

/**
 * The output of one {@link ServerEventCodec} encoding: a growing byte array. One instance per
 * encoding, on one thread.
 */
final class CodecWriter {
  private byte[] buf;
  private int pos;

  CodecWriter(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }

  void writeByte(int b) {
    ensure(1);
    buf[pos++] = (byte) b;
  }

  void writeBoolean(boolean b) {
    writeByte(b ? 1 : 0);
  }

  /** An unsigned LEB128 number: small counts and lengths take one byte. */
  void writeVarInt(int value) {
    ensure(5);
    int v = value;
    while ((v & ~0x7F) != 0) {
      buf[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[pos++] = (byte) v;
  }

  /** A signed number, zigzag-mapped first so that small negative numbers stay short too. */
  void writeZigZag(long value) {
    ensure(10);
    long v = (value << 1) ^ (value >> 63);
    while ((v & ~0x7FL) != 0) {
      buf[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[pos++] = (byte) v;
  }

  /** The low {@code bytes} bytes of a number, big-endian. */
  void writeFixed(long value, int bytes) {
    ensure(bytes);
    for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
      buf[pos++] = (byte) (value >>> shift);
    }
  }

  void writeBytes(byte[] bytes) {
    writeVarInt(bytes.length);
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, pos, bytes.length);
    pos += bytes.length;
  }

  /** {@code null} is length 0; any string is its encoded length plus one, then its bytes. */
  void writeNullableString(String s) {
    if (s == null) {
      writeVarInt(0);
    } else {
      writeChars(s, 1);
    }
  }

  void writeString(String s) {
    writeChars(s, 0);
  }

  /**
   * UTF-8, except that a surrogate without its pair is written as its own three bytes (the
   * "generalized UTF-8" of WTF-8), because Java strings may hold one (a JSON {@code \ud800} escape
   * makes one) and the codec gives back the same string it was given.
   */
  private void writeChars(String s, int lengthBias) {
    int n = s.length();
    int bytes = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    if (bytes > Integer.MAX_VALUE - lengthBias) {
      throw new IllegalArgumentException("a string of " + n + " characters is too long to encode");
    }
    writeVarInt(bytes + lengthBias);
    ensure(bytes);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        buf[pos++] = (byte) c;
      } else if (c < 0x800) {
        buf[pos++] = (byte) (0xC0 | (c >> 6));
        buf[pos++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        buf[pos++] = (byte) (0xF0 | (cp >> 18));
        buf[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        buf[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        buf[pos++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        buf[pos++] = (byte) (0xE0 | (c >> 12));
        buf[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        buf[pos++] = (byte) (0x80 | (c & 0x3F));
      }
    }
  }

  private void ensure(int more) {
    if (buf.length - pos < more) {
      long wanted = Math.max((long) buf.length * 2, (long) pos + more);
      if (wanted > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("the encoding would exceed the largest byte array");
      }
      buf = Arrays.copyOf(buf, (int) wanted);
    }
  }
}
