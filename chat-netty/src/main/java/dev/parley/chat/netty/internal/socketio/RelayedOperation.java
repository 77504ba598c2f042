package dev.parley.chat.netty.internal.socketio;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * A server-side operation on sockets picked as a broadcast picks them (socket.io's {@code
 * socketsJoin}, {@code socketsLeave}, {@code disconnectSockets}), as it travels to the other nodes,
 * each of which applies it to its own matching sockets. Immutable.
 *
 * <p>The form: the marker byte {@link #MARKER} (no emit starts with it), the operation's byte, then
 * the namespace, the rooms, the rooms left out, the socket left out (empty for none) and the room
 * joined or left (empty for a disconnect), written as {@link RelayedEmit} writes them.
 *
 * @param namespace the namespace's name
 * @param rooms the rooms whose sockets it applies to; empty for every socket of the namespace
 * @param exceptRooms the rooms whose sockets it leaves alone
 * @param exceptSocket the id of a socket it leaves alone, or {@code null}
 * @param kind what it does
 * @param room the room joined or left; {@code null} for a disconnect
 */
record RelayedOperation(String namespace, Set<String> rooms, Set<String> exceptRooms, String exceptSocket, Kind kind,
    String room) {
  /** The first byte of an operation's relay. */
  static final byte MARKER = 'O';

  /** What an operation does to each socket. */
  enum Kind { JOIN, LEAVE, DISCONNECT }

  /** Which sockets it applies to. */
  Selection selection() {
    return new Selection(namespace, rooms, exceptRooms, exceptSocket);
  }

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(MARKER);
      out.writeByte(kind.ordinal());
      selection().write(out);
      RelayedEmit.write(out, (room == null ? "" : room).getBytes(StandardCharsets.UTF_8));
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
  static RelayedOperation decode(byte[] payload) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
      if (in.readByte() != MARKER) {
        throw new IllegalArgumentException("not a relayed Socket.IO operation");
      }
      int kind = in.readByte();
      if (kind < 0 || kind >= Kind.values().length) {
        throw new IllegalArgumentException("a relayed Socket.IO operation of unknown kind " + kind);
      }
      Selection s = Selection.read(in, payload.length);
      String room = RelayedEmit.string(in, payload.length);
      if (in.available() > 0) {
        throw new IllegalArgumentException("a relayed Socket.IO operation with bytes after it");
      }
      return new RelayedOperation(s.namespace(), s.rooms(), s.exceptRooms(), s.exceptSocket(),
          Kind.values()[kind], room.isEmpty() ? null : room);
    } catch (IOException e) { // EOFException: cut short
      throw new IllegalArgumentException("a relayed Socket.IO operation cut short", e);
    }
  }
}
