package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.netty.internal.EngineFrame;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A Socket.IO broadcast as it travels to the other nodes: the namespace, who it is for, and the
 * packet already encoded (its text frame and any binary attachments), so that every node sends the
 * same bytes without encoding it again. Immutable.
 *
 * <p>The form: a version byte (2 for a volatile emit, which each node sends only to the sockets that
 * can take it at once), then the namespace, the rooms, the rooms left out and the socket
 * left out (empty for none) as strings, then the frames, each a kind byte (0 text, 1 binary) and its
 * bytes. A string or a frame is its length (an int) and its bytes; a list is its size, then its
 * items.
 *
 * @param namespace the namespace's name
 * @param rooms the rooms whose sockets get it; empty for every socket of the namespace
 * @param exceptRooms the rooms whose sockets do not
 * @param exceptSocket the id of a socket that does not, or {@code null}
 * @param frames the encoded packet
 * @param volatileOnly whether it goes only to the sockets that can take it at once, dropped for others
 */
record RelayedEmit(String namespace, Set<String> rooms, Set<String> exceptRooms, String exceptSocket,
    List<EngineFrame> frames, boolean volatileOnly) {
  /** The first byte of an emit: its version. */
  private static final int VERSION = 1;
  /** The first byte of a volatile emit, otherwise written as an emit. */
  private static final int VOLATILE = 2;
  private static final int TEXT = 0;
  private static final int BINARY = 1;

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + frames.get(0).utf8().length);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(volatileOnly ? VOLATILE : VERSION);
      selection().write(out);
      writeFrames(out, frames);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // not from memory
    }
    return bytes.toByteArray();
  }

  /**
   * Reads what {@link #encode} wrote.
   *
   * @throws IllegalArgumentException if these are not such bytes (another version wrote them)
   */
  static RelayedEmit decode(byte[] payload) {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload))) {
      int version = in.readByte();
      if (version != VERSION && version != VOLATILE) {
        throw new IllegalArgumentException("a relayed Socket.IO emit of another version");
      }
      Selection s = Selection.read(in, payload.length);
      List<EngineFrame> frames = readFrames(in, payload.length);
      if (in.available() > 0) {
        throw new IllegalArgumentException("a relayed Socket.IO emit with bytes after its frames");
      }
      return new RelayedEmit(s.namespace(), s.rooms(), s.exceptRooms(), s.exceptSocket(), frames,
          version == VOLATILE);
    } catch (IOException e) { // EOFException: cut short
      throw new IllegalArgumentException("a relayed Socket.IO emit cut short", e);
    }
  }

  /** Who it is for. */
  Selection selection() {
    return new Selection(namespace, rooms, exceptRooms, exceptSocket);
  }

  /** Writes a packet's frames: their number, then each as a kind byte (0 text, 1 binary) and its bytes. */
  static void writeFrames(DataOutputStream out, List<EngineFrame> frames) throws IOException {
    out.writeInt(frames.size());
    for (EngineFrame f : frames) {
      out.writeByte(f.isBinary() ? BINARY : TEXT);
      write(out, f.isBinary() ? f.binaryData() : f.utf8());
    }
  }

  /** Reads what {@link #writeFrames} wrote: at least one frame. */
  static List<EngineFrame> readFrames(DataInputStream in, int max) throws IOException {
    int count = count(in, max);
    if (count == 0) {
      throw new IllegalArgumentException("a relayed Socket.IO packet without frames");
    }
    List<EngineFrame> frames = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int kind = in.readByte();
      byte[] data = read(in, max);
      if (kind == TEXT) {
        frames.add(EngineFrame.text(new String(data, StandardCharsets.UTF_8)));
      } else if (kind == BINARY) {
        frames.add(EngineFrame.binary(data));
      } else {
        throw new IllegalArgumentException("a frame of unknown kind " + kind);
      }
    }
    return frames;
  }

  static void writeAll(DataOutputStream out, Set<String> strings) throws IOException {
    out.writeInt(strings.size());
    for (String s : strings) {
      write(out, s.getBytes(StandardCharsets.UTF_8));
    }
  }

  static void write(DataOutputStream out, byte[] data) throws IOException {
    out.writeInt(data.length);
    out.write(data);
  }

  static Set<String> strings(DataInputStream in, int max) throws IOException {
    int n = count(in, max);
    Set<String> out = new java.util.LinkedHashSet<>();
    for (int i = 0; i < n; i++) {
      out.add(string(in, max));
    }
    return java.util.Collections.unmodifiableSet(out);
  }

  static String string(DataInputStream in, int max) throws IOException {
    return new String(read(in, max), StandardCharsets.UTF_8);
  }

  static byte[] read(DataInputStream in, int max) throws IOException {
    byte[] data = new byte[count(in, max)];
    in.readFully(data);
    return data;
  }

  /** A length or a size, which no more than the payload's length can be. */
  static int count(DataInputStream in, int max) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > max) {
      throw new IllegalArgumentException("a length of " + n + " in " + max + " bytes");
    }
    return n;
  }
}
