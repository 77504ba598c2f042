package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.socketio.RemoteSocket;
import dev.parley.chat.Handshake;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * A socket found by {@code fetchSockets}: what its node said of it, and broadcasts to its id-room.
 *
 * @param ns the namespace, on this node
 * @param id the socket's id
 * @param handshake what its client presented
 * @param rooms its rooms then, unmodifiable
 * @param data a copy of its data then, unmodifiable
 * @param user its {@link dev.parley.chat.socketio.SocketIoClient#user()} then
 */
record RemoteSocketImpl(NamespaceImpl ns, String id, Handshake handshake, Set<String> rooms,
    Map<String, Object> data, Optional<String> user) implements RemoteSocket {
  @Override
  public String namespace() {
    return ns.name();
  }

  @Override
  public CompletionStage<Void> emit(String event, Object... args) {
    return ns.to(id).emit(event, args);
  }

  @Override
  public CompletionStage<Void> join(String room) {
    return ns.to(id).socketsJoin(room);
  }

  @Override
  public CompletionStage<Void> leave(String room) {
    return ns.to(id).socketsLeave(room);
  }

  @Override
  public CompletionStage<Void> disconnect() {
    return ns.to(id).disconnectSockets();
  }

  @Override
  public String toString() {
    return "RemoteSocket{" + id + " in " + ns.name() + '}';
  }
}
