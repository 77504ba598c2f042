package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.netty.internal.engineio.EngineFrame;
import dev.parley.chat.socketio.Broadcast;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Recipients chosen by rooms, then one encoded packet sent to each. */
final class BroadcastImpl implements Broadcast {
  private final NamespaceImpl ns;
  private final SocketImpl exceptSocket;
  private final Set<String> rooms = new LinkedHashSet<>();
  private final Set<String> exceptRooms = new LinkedHashSet<>();

  BroadcastImpl(NamespaceImpl ns, SocketImpl exceptSocket) {
    this.ns = ns;
    this.exceptSocket = exceptSocket;
  }

  @Override
  public Broadcast to(String room) {
    rooms.add(room);
    return this;
  }

  @Override
  public Broadcast except(String room) {
    exceptRooms.add(room);
    return this;
  }

  @Override
  public void emit(String event, Object... args) {
    List<EngineFrame> frames = SocketIoRuntime.encodeEvent(ns.name(), -1, event, args);
    Set<SocketImpl> excluded = new java.util.HashSet<>();
    for (String room : exceptRooms) {
      excluded.addAll(members(room));
    }
    if (exceptSocket != null) {
      excluded.add(exceptSocket);
    }
    Collection<SocketImpl> targets;
    if (rooms.isEmpty()) {
      targets = ns.sockets.values();
    } else {
      Set<SocketImpl> union = new LinkedHashSet<>();
      rooms.forEach(r -> union.addAll(members(r)));
      targets = union;
    }
    for (SocketImpl s : targets) {
      if (!excluded.contains(s)) {
        s.send(frames);
      }
    }
  }

  private Set<SocketImpl> members(String room) {
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
