package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.netty.internal.EngineFrame;
import dev.parley.chat.socketio.Broadcast;
import dev.parley.chat.socketio.RemoteSocket;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
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
    Selection selection = selection();
    List<SocketImpl> recipients = selection.targets(ns);
    AckCollector acks = new AckCollector(recipients.size(), timeout);
    // The other nodes first, so that their count is on its way before this node's answers come.
    ns.runtime().requests().emitWithAck(selection, SocketIoRuntime.encodeEvent(ns.name(), -1, event, args), timeout,
        acks);
    if (!recipients.isEmpty()) {
      long ackId = ns.nextAckId();
      List<EngineFrame> frames = SocketIoRuntime.encodeEvent(ns.name(), ackId, event, args);
      for (SocketImpl s : recipients) {
        s.expectAck(ackId, timeout).thenAccept(acks::answered);
        s.send(frames);
      }
    }
    return acks.result;
  }

  @Override
  public CompletionStage<List<RemoteSocket>> fetchSockets() {
    return ns.runtime().requests().fetch(ns, selection());
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

  private Selection selection() {
    return new Selection(ns.name(), rooms, exceptRooms, exceptId());
  }

  private String exceptId() {
    return exceptSocket == null ? null : exceptSocket.id();
  }

  /** Sends an emit to this node's sockets of the namespace that it is for. */
  static void deliver(NamespaceImpl ns, RelayedEmit emit) {
    for (SocketImpl s : emit.selection().targets(ns)) {
      if (emit.volatileOnly()) {
        s.sendVolatile(emit.frames());
      } else {
        s.send(emit.frames());
      }
    }
  }

  /** Applies an operation to this node's sockets of the namespace that it is for. */
  static void apply(NamespaceImpl ns, RelayedOperation op) {
    for (SocketImpl s : op.selection().targets(ns)) {
      switch (op.kind()) {
        case JOIN -> s.join(op.room());
        case LEAVE -> s.leave(op.room());
        case DISCONNECT -> s.disconnect();
      }
    }
  }
}
