package dev.parley.chat.netty.internal.socketio;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The sockets a broadcast or an operation is for, as socket.io's adapters pick them: those of a
 * namespace in any of some rooms (every socket, for none), but in none of others and not one left
 * out by id. Each node picks among its own sockets. Immutable.
 *
 * @param namespace the namespace's name
 * @param rooms the rooms whose sockets are picked; empty for every socket of the namespace
 * @param exceptRooms the rooms whose sockets are left out
 * @param exceptSocket the id of a socket left out, or {@code null}
 */
record Selection(String namespace, Set<String> rooms, Set<String> exceptRooms, String exceptSocket) {
  Selection {
    rooms = Set.copyOf(rooms);
    exceptRooms = Set.copyOf(exceptRooms);
  }

  /** Writes it as {@link RelayedEmit} writes its strings: the socket left out as empty for none. */
  void write(DataOutputStream out) throws IOException {
    RelayedEmit.write(out, namespace.getBytes(StandardCharsets.UTF_8));
    RelayedEmit.writeAll(out, rooms);
    RelayedEmit.writeAll(out, exceptRooms);
    RelayedEmit.write(out, (exceptSocket == null ? "" : exceptSocket).getBytes(StandardCharsets.UTF_8));
  }

  /** Reads what {@link #write} wrote, within a payload of {@code max} bytes. */
  static Selection read(DataInputStream in, int max) throws IOException {
    String namespace = RelayedEmit.string(in, max);
    Set<String> rooms = RelayedEmit.strings(in, max);
    Set<String> exceptRooms = RelayedEmit.strings(in, max);
    String exceptSocket = RelayedEmit.string(in, max);
    return new Selection(namespace, rooms, exceptRooms, exceptSocket.isEmpty() ? null : exceptSocket);
  }

  /** This node's sockets of {@code ns} that it picks. */
  List<SocketImpl> targets(NamespaceImpl ns) {
    Set<SocketImpl> excluded = new HashSet<>();
    for (String room : exceptRooms) {
      excluded.addAll(members(ns, room));
    }
    Collection<SocketImpl> candidates;
    if (rooms.isEmpty()) {
      candidates = ns.sockets.values();
    } else {
      Set<SocketImpl> union = new LinkedHashSet<>();
      rooms.forEach(r -> union.addAll(members(ns, r)));
      candidates = union;
    }
    List<SocketImpl> targets = new java.util.ArrayList<>();
    for (SocketImpl s : candidates) {
      if (!excluded.contains(s) && !s.id().equals(exceptSocket)) {
        targets.add(s);
      }
    }
    return targets;
  }

  private static Set<SocketImpl> members(NamespaceImpl ns, String room) {
    Set<SocketImpl> members = ns.rooms.getOrDefault(room, Set.of());
    // Every socket is in the room named by its id, which the room table leaves out.
    SocketImpl own = ns.sockets.get(room);
    if (own == null || !own.inOwnRoom()) {
      return members;
    }
    Set<SocketImpl> all = new LinkedHashSet<>(members);
    all.add(own);
    return all;
  }
}
