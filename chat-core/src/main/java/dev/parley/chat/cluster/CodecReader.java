package dev.parley.chat.cluster;

/**
 * The input of one {@link ServerEventCodec} decoding. Every read checks what is left first, and every
 * count is checked against the bytes left before anything is allocated for it, so that no input can
 * make a decoder allocate more than a small multiple of its own size. Every failure is an {@link
 * IllegalArgumentException} naming the offset. One instance per decoding, on one thread.
 */
final class CodecReader {
  private final byte[] buf;
  private final int start;
  private final int limit;
  private int pos;

  CodecReader(byte[] buf, int offset, int length) {
    if (offset < 0 || length < 0 || offset > buf.length - length) {
      throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + " of " + buf.length);
    }
    this.buf = buf;
    this.start = offset;
    this.pos = offset;
    this.limit = offset + length;
  }

  IllegalArgumentException malformed(String what) {
    return new IllegalArgumentException("malformed cluster payload at byte " + (pos - start) + ": " + what);
  }

  int remaining() {
    return limit - pos;
  }

  void expectEnd() {
    if (pos != limit) {
      throw malformed((limit - pos) + " bytes after the end of the payload");
    }
  }

  int readByte() {
    if (pos >= limit) {
      throw malformed("the input ends early");
    }
    return buf[pos++] & 0xFF;
  }

  boolean readBoolean() {
    int b = readByte();
    if (b > 1) {
      throw malformed("a boolean is " + b);
    }
    return b == 1;
  }

  int readVarInt() {
    long value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = readByte();
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        if (value > Integer.MAX_VALUE) {
          throw malformed("a length over 2^31");
        }
        return (int) value;
      }
    }
    throw malformed("a length over 5 bytes");
  }

  long readZigZag() {
    long raw = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      int b = readByte();
      if (shift == 63 && b > 1) {
        throw malformed("a number over 64 bits");
      }
      raw |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw malformed("a number over 10 bytes");
  }

  /** A big-endian number of {@code bytes} bytes. */
  long readFixed(int bytes) {
    need(bytes);
    long value = 0;
    for (int i = 0; i < bytes; i++) {
      value = (value << 8) | (buf[pos++] & 0xFF);
    }
    return value;
  }

  /**
   * A count of items that take at least {@code minBytesEach} bytes each, checked against what is left
   * so that a forged count cannot make the caller allocate for items that are not there.
   */
  int readCount(int minBytesEach) {
    int count = readVarInt();
    if (count > remaining() / minBytesEach) {
      throw malformed("a count of " + count + " with only " + remaining() + " bytes left");
    }
    return count;
  }

  byte[] readBytes() {
    int n = readCount(1);
    byte[] out = new byte[n];
    System.arraycopy(buf, pos, out, 0, n);
    pos += n;
    return out;
  }

  String readString() {
    return readChars(readLength(0));
  }

  String readNullableString() {
    int n = readLength(1);
    return n < 0 ? null : readChars(n);
  }

  private int readLength(int bias) {
    int n = readVarInt() - bias;
    if (n > remaining()) {
      throw malformed("a string of " + n + " bytes with only " + remaining() + " left");
    }
    return n;
  }

  /** The inverse of {@link CodecWriter}'s string form; rejects bytes that form no character. */
  private String readChars(int byteLength) {
    int end = pos + byteLength;
    char[] out = new char[byteLength];
    int n = 0;
    while (pos < end) {
      int b = buf[pos] & 0xFF;
      if (b < 0x80) {
        out[n++] = (char) b;
        pos++;
      } else if (b >= 0xC2 && b <= 0xDF) {
        out[n++] = (char) (((b & 0x1F) << 6) | continuation(end, 1));
        pos += 2;
      } else if (b >= 0xE0 && b <= 0xEF) {
        int c = ((b & 0x0F) << 12) | (continuation(end, 1) << 6) | continuation(end, 2);
        if (c < 0x800) {
          throw malformed("an overlong character");
        }
        out[n++] = (char) c;
        pos += 3;
      } else if (b >= 0xF0 && b <= 0xF4) {
        int cp = ((b & 0x07) << 18)
            | (continuation(end, 1) << 12)
            | (continuation(end, 2) << 6)
            | continuation(end, 3);
        if (cp < 0x10000 || cp > Character.MAX_CODE_POINT) {
          throw malformed("a character outside the supplementary planes in four bytes");
        }
        out[n++] = Character.highSurrogate(cp);
        out[n++] = Character.lowSurrogate(cp);
        pos += 4;
      } else {
        throw malformed("byte " + b + " starts no character");
      }
    }
    return new String(out, 0, n);
  }

  private int continuation(int end, int index) {
    if (pos + index >= end) {
      throw malformed("a character cut off by the end of its string");
    }
    int b = buf[pos + index] & 0xFF;
    if ((b & 0xC0) != 0x80) {
      throw malformed("a character with a bad continuation byte");
    }
    return b & 0x3F;
  }

  private void need(int n) {
    if (remaining() < n) {
      throw malformed("the input ends early");
    }
  }
}
