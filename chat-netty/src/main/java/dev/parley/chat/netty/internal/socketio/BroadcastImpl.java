package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.netty.internal.engineio.EngineFrame;
import dev.parley.chat.socketio.AckTimeoutException;
import dev.parley.chat.socketio.Broadcast;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
    return emit(false, event, args);
  }

  @Override
  public CompletionStage<Void> emitVolatile(String event, Object... args) {
    return emit(true, event, args);
  }

  private CompletionStage<Void> emit(boolean volatileOnly, String event, Object[] args) {
    List<EngineFrame> frames = SocketIoRuntime.encodeEvent(ns.name(), -1, event, args);
    RelayedEmit emit = new RelayedEmit(ns.name(), Set.copyOf(rooms), Set.copyOf(exceptRooms), exceptId(), frames,
        volatileOnly);
    deliver(ns, emit);
    return ns.runtime().relay(emit.encode());
  }

  @Override
  public CompletionStage<List<List<Object>>> emitWithAck(Duration timeout, String event, Object... args) {
    Objects.requireNonNull(timeout, "timeout");
    long ackId = ns.nextAckId();
    List<EngineFrame> frames = SocketIoRuntime.encodeEvent(ns.name(), ackId, event, args);
    List<SocketImpl> recipients = targets(ns, rooms, exceptRooms, exceptId());
    AckCollector collector = new AckCollector(recipients.size(), timeout);
    for (SocketImpl s : recipients) {
      s.expectAck(ackId, timeout).whenComplete(collector::answered);
      s.send(frames);
    }
    return collector.result;
  }

  /** Each recipient's acknowledgement, or its failure (a timeout, a disconnect), until all are in. */
  private static final class AckCollector {
    final CompletableFuture<List<List<Object>>> result = new CompletableFuture<>();
    private final List<List<Object>> responses = new ArrayList<>();
    private final Duration timeout;
    private int missing;
    private boolean anyFailed;

    AckCollector(int recipients, Duration timeout) {
      this.missing = recipients;
      this.timeout = timeout;
      if (recipients == 0) {
        result.complete(List.of());
      }
    }

    synchronized void answered(List<Object> args, Throwable failure) {
      if (failure == null) {
        responses.add(args);
      } else {
        anyFailed = true;
      }
      if (--missing == 0) {
        if (anyFailed) {
          result.completeExceptionally(new AckTimeoutException(
              "not every recipient acknowledged within " + timeout, responses));
        } else {
          result.complete(List.copyOf(responses));
        }
      }
    }
  }

  @Override
  public CompletionStage<Void> socketsJoin(String room) {
    return operate(RelayedOperation.Kind.JOIN, java.util.Objects.requireNonNull(room, "room"));
  }

  @Override
  public CompletionStage<Void> socketsLeave(String room) {
    return operate(RelayedOperation.Kind.LEAVE, java.util.Objects.requireNonNull(room, "room"));
  }

  @Override
  public CompletionStage<Void> disconnectSockets() {
    return operate(RelayedOperation.Kind.DISCONNECT, null);
  }

  /** Applies an operation to this node's matching sockets now, and relays it to the other nodes. */
  private CompletionStage<Void> operate(RelayedOperation.Kind kind, String room) {
    RelayedOperation op = new RelayedOperation(ns.name(), Set.copyOf(rooms), Set.copyOf(exceptRooms), exceptId(),
        kind, room);
    apply(ns, op);
    return ns.runtime().relay(op.encode());
  }

  private String exceptId() {
    return exceptSocket == null ? null : exceptSocket.id();
  }

  /** Sends an emit to this node's sockets of the namespace that it is for. */
  static void deliver(NamespaceImpl ns, RelayedEmit emit) {
    for (SocketImpl s : targets(ns, emit.rooms(), emit.exceptRooms(), emit.exceptSocket())) {
      if (emit.volatileOnly()) {
        s.sendVolatile(emit.frames());
      } else {
        s.send(emit.frames());
      }
    }
  }

  /** Applies an operation to this node's sockets of the namespace that it is for. */
  static void apply(NamespaceImpl ns, RelayedOperation op) {
    for (SocketImpl s : targets(ns, op.rooms(), op.exceptRooms(), op.exceptSocket())) {
      switch (op.kind()) {
        case JOIN -> s.join(op.room());
        case LEAVE -> s.leave(op.room());
        case DISCONNECT -> s.disconnect();
      }
    }
  }

  /** This node's sockets in any of {@code rooms} (all, for none) but in none of {@code exceptRooms}. */
  private static List<SocketImpl> targets(NamespaceImpl ns, Set<String> rooms, Set<String> exceptRooms,
      String exceptSocket) {
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
