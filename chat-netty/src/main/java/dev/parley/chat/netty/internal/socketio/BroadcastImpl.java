package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.netty.internal.engineio.EngineFrame;
import dev.parley.chat.socketio.Broadcast;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Recipients chosen by rooms, then one encoded packet sent to each: to this node's sockets here, and
 * to the other nodes' through the runtime's relay, where {@link #deliver} picks theirs the same way.
 */
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
  public CompletionStage<Void> emit(String event, Object... args) {
    List<EngineFrame> frames = SocketIoRuntime.encodeEvent(ns.name(), -1, event, args);
    RelayedEmit emit = new RelayedEmit(ns.name(), Set.copyOf(rooms), Set.copyOf(exceptRooms),
        exceptSocket == null ? null : exceptSocket.id(), frames);
    deliver(ns, emit);
    return ns.runtime().relay(emit);
  }

  /** Sends an emit to this node's sockets of the namespace that it is for. */
  static void deliver(NamespaceImpl ns, RelayedEmit emit) {
    Set<SocketImpl> excluded = new HashSet<>();
    for (String room : emit.exceptRooms()) {
      excluded.addAll(members(ns, room));
    }
    Collection<SocketImpl> targets;
    if (emit.rooms().isEmpty()) {
      targets = ns.sockets.values();
    } else {
      Set<SocketImpl> union = new LinkedHashSet<>();
      emit.rooms().forEach(r -> union.addAll(members(ns, r)));
      targets = union;
    }
    for (SocketImpl s : targets) {
      if (!excluded.contains(s) && !s.id().equals(emit.exceptSocket())) {
        s.send(emit.frames());
      }
    }
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
