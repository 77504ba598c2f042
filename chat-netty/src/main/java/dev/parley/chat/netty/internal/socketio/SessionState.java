package dev.parley.chat.netty.internal.socketio;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a chat socket's client needs to recover it on any node, as the cluster keeps it under the
 * socket's private id. Immutable (the array is not copied: neither side changes it).
 *
 * <p>The form: a version byte; the socket id and the private id; the user, the chat connection id
 * and the last room, each a presence byte then the string; the rooms, a count then each room and its floor (presence byte,
 * string); the own message ids, a count then each as a long. A string is its length in UTF-8 bytes
 * (an unsigned short when below 65,535, else 65,535 and an int) then the bytes.
 *
 * @param sid its socket id, given back on recovery
 * @param pid its private session id
 * @param user its username, or {@code null} if it has none yet
 * @param connectionId the id of its chat connection, which a recovery continues (it takes over that
 *     connection's name, even if that connection's node died), or {@code null} before the welcome
 * @param floors the rooms it is in, in the order it joined them, each with the newest message id
 *     its join gave it ({@code null} when the room's history was empty)
 * @param lastRoom the room its bare-text messages go to, or {@code null}
 * @param ownIds the room messages it sent itself (which it never received as events), as numbers,
 *     oldest first
 */
record SessionState(
    String sid, String pid, String user, String connectionId, Map<String, String> floors, String lastRoom, long[] ownIds) {
  private static final int VERSION = 2;
  private static final int LONG_STRING = 0xffff;

  /** The rooms, in the order they were joined. */
  List<String> rooms() {
    return List.copyOf(floors.keySet());
  }

  /**
   * Whether a recovery could give the client back anything it built: a room. A socket in no room
   * has nothing to recover, and {@code recovered: true} would tell its client that it need not join
   * (Socket.IO's pattern: join on {@code connect} unless recovered). Such a socket is often one whose
   * client has not joined yet: its join was in flight when the connection dropped, or it had just
   * connected afresh after a failed recovery and its joins failed, as when Redis lost its data and
   * the node is closed twice in a row (its rooms reset, then its eviction).
   */
  boolean inAnyRoom() {
    return !floors.isEmpty();
  }

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 32 * floors.size() + 8 * ownIds.length);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      string(out, sid);
      string(out, pid);
      optional(out, user);
      optional(out, connectionId);
      optional(out, lastRoom);
      out.writeInt(floors.size());
      for (Map.Entry<String, String> e : floors.entrySet()) {
        string(out, e.getKey());
        optional(out, e.getValue());
      }
      out.writeInt(ownIds.length);
      for (long id : ownIds) {
        out.writeLong(id);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // not from memory
    }
    return bytes.toByteArray();
  }

  /**
   * Reads what {@link #encode} wrote.
   *
   * @throws IllegalArgumentException if these are not such bytes
   */
  static SessionState decode(byte[] state) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
      if (in.readByte() != VERSION) {
        throw new IllegalArgumentException("a kept Socket.IO session of another version");
      }
      String sid = string(in, state.length);
      String pid = string(in, state.length);
      String user = optional(in, state.length);
      String connectionId = optional(in, state.length);
      String lastRoom = optional(in, state.length);
      int rooms = count(in, state.length);
      Map<String, String> floors = new LinkedHashMap<>();
      for (int i = 0; i < rooms; i++) {
        floors.put(string(in, state.length), optional(in, state.length));
      }
      long[] ownIds = new long[count(in, state.length / Long.BYTES)];
      for (int i = 0; i < ownIds.length; i++) {
        ownIds[i] = in.readLong();
      }
      if (in.available() > 0) {
        throw new IllegalArgumentException("a kept Socket.IO session with bytes after its end");
      }
      return new SessionState(sid, pid, user, connectionId, Collections.unmodifiableMap(floors), lastRoom, ownIds);
    } catch (IOException e) { // EOFException: cut short
      throw new IllegalArgumentException("a kept Socket.IO session cut short", e);
    }
  }

  private static void optional(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      string(out, s);
    }
  }

  private static void string(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length < LONG_STRING) {
      out.writeShort(b.length);
    } else {
      out.writeShort(LONG_STRING);
      out.writeInt(b.length);
    }
    out.write(b);
  }

  private static String optional(DataInputStream in, int max) throws IOException {
    return in.readBoolean() ? string(in, max) : null;
  }

  private static String string(DataInputStream in, int max) throws IOException {
    int length = in.readUnsignedShort();
    if (length == LONG_STRING) {
      length = count(in, max);
    }
    byte[] b = new byte[length];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  /** A count or a length, which the state's size bounds. */
  private static int count(DataInputStream in, int max) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > max) {
      throw new IllegalArgumentException("a count of " + n + " in a state of " + max + " bytes");
    }
    return n;
  }
}
