package dev.parley.chat.socketio;

import dev.parley.chat.Handshake;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * A socket found by {@link Broadcast#fetchSockets()}, on this node or another, as socket.io's {@code
 * RemoteSocket}: a snapshot of what the socket was when its node answered, and operations that reach
 * it wherever it is. Immutable; its methods are safe from any thread.
 *
 * <p>The operations are broadcasts to the room named by the socket's id, relayed as every broadcast
 * ({@code to(id)}): they reach the socket on any node while it is connected and in that room, as
 * every socket is until it leaves it, and do nothing once it is gone. Each returns the broadcast's
 * stage (see {@link Broadcast#emit}).
 */
public interface RemoteSocket {
  /** The socket's id. */
  String id();

  /** The namespace it is connected to. */
  String namespace();

  /** What the client presented when it connected. */
  Handshake handshake();

  /** The rooms it was in, its own id-room included, in join order. */
  Set<String> rooms();

  /**
   * A copy of its {@link SocketIoClient#data()}, unmodifiable: from another node, what JSON carries
   * (a value that is no JSON-compatible value arrives as Gson maps it, a record as a map, say).
   */
  Map<String, Object> data();

  /** Its {@link SocketIoClient#user()}: who its user was, if anyone said. */
  Optional<String> user();

  /** Emits an event to the socket, wherever it is. */
  CompletionStage<Void> emit(String event, Object... args);

  /** Puts the socket in a room, on its node. */
  CompletionStage<Void> join(String room);

  /** Takes the socket out of a room, on its node. */
  CompletionStage<Void> leave(String room);

  /** Disconnects the socket, as {@link SocketIoClient#disconnect()}. */
  CompletionStage<Void> disconnect();
}
