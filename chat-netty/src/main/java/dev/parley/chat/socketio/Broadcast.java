package dev.parley.chat.socketio;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A set of recipients being narrowed down, then an emit, or an operation on those sockets (socket.io's
 * {@code socketsJoin}, {@code socketsLeave} and {@code disconnectSockets}). An emit's packet is
 * encoded once and the same bytes are sent to every recipient.
 *
 * <p>In a cluster (a {@code ChatServer} on a cluster engine shared by several nodes), an emit
 * reaches the matching sockets of every node: each node picks them among its own sockets, by the
 * rooms they joined there. Not thread-safe while being narrowed down; {@link #emit} may be called
 * from any thread.
 */
public interface Broadcast {
  /** Adds the sockets in a room (several rooms are a union). */
  Broadcast to(String room);

  /** Leaves out the sockets in a room. */
  Broadcast except(String room);

  /**
   * Emits to the recipients: at once to this node's, and through the cluster to the other nodes'.
   *
   * @return completes when this node's recipients have the packet queued and the cluster has taken
   *     it for the other nodes; fails with {@link dev.parley.chat.cluster.ClusterUnavailableException}
   *     when it could not reach the cluster (this node's recipients still got it). Without a cluster
   *     it is complete at once.
   */
  CompletionStage<Void> emit(String event, Object... args);

  /**
   * Emits to the recipients, on every node of the cluster, and collects their acknowledgements, as
   * socket.io's {@code io.timeout(ms).emit(event, args, (err, responses) => ...)}: each recipient's
   * acknowledgement is one response. The other nodes get the request through the cluster, each
   * tells how many recipients it has, then passes on each acknowledgement; the cluster tells how many
   * nodes took the request, so that the stage completes as soon as every recipient answered.
   *
   * <p>A recipient that disconnects before it acknowledged counts as one that did not answer, and so
   * does one on a node whose answers are lost (at most once, as every relay).
   *
   * @param timeout how long to wait for every recipient's acknowledgement
   * @return the acknowledgements' arguments, one list per recipient, in the order they arrived, once
   *     every recipient answered (with none if there is no recipient); failed with an {@link
   *     AckTimeoutException} that holds the responses received so far if some recipient did not
   *     answer within {@code timeout}, or with {@link
   *     dev.parley.chat.cluster.ClusterUnavailableException} if the request could not reach the
   *     cluster. Completes on an I/O or engine thread: hand blocking work to an executor of yours.
   */
  CompletionStage<List<List<Object>>> emitWithAck(Duration timeout, String event, Object... args);

  /**
   * Emits to the recipients, on every node, that can take the packet at once, and drops it for the
   * others, as socket.io's {@code volatile} flag: a recipient on WebSocket gets it if nothing is
   * waiting to be written to it and its connection takes more; on long-polling only if a poll is
   * waiting with nothing queued; during an upgrade never. A dropped packet is never sent later.
   * For what may be lost, such as positions sent many times a second.
   *
   * @return as {@link #emit}
   */
  CompletionStage<Void> emitVolatile(String event, Object... args);

  /**
   * The matching sockets, on every node of the cluster, as socket.io's {@code fetchSockets()}: this
   * node's at once, and the others' as each node answers the request the cluster hands it. Each is a
   * snapshot (id, rooms, handshake, data) whose operations reach the socket wherever it is.
   *
   * @return the sockets, in no particular order, once every node the cluster handed the request to
   *     answered; failed with a {@link java.util.concurrent.TimeoutException} if some did not within
   *     5 seconds (as socket.io's {@code requestsTimeout}), or with {@link
   *     dev.parley.chat.cluster.ClusterUnavailableException} if the request could not reach the
   *     cluster. Without a cluster, complete at once. Completes on an engine thread or the caller's.
   */
  CompletionStage<List<RemoteSocket>> fetchSockets();

  /**
   * Puts the matching sockets, on every node of the cluster, in a room, as socket.io's {@code
   * socketsJoin}: at once on this node, through the cluster on the others (each applies it to the
   * sockets it has when the relay arrives). On the chat namespace this is the Socket.IO room only:
   * joining a Socket.IO room named like a chat room does not make a socket a member of the chat room.
   *
   * @param room the room to put them in
   * @return as {@link #emit}: completes once the cluster has taken it for the other nodes
   */
  CompletionStage<Void> socketsJoin(String room);

  /**
   * Takes the matching sockets, on every node of the cluster, out of a room, as socket.io's {@code
   * socketsLeave}; see {@link #socketsJoin} (on the chat namespace, they stay members of a chat room
   * of that name).
   *
   * @param room the room to take them out of
   * @return as {@link #emit}
   */
  CompletionStage<Void> socketsLeave(String room);

  /**
   * Disconnects the matching sockets, on every node of the cluster, as socket.io's {@code
   * disconnectSockets()}: each client is told ({@code io server disconnect}) and does not reconnect
   * by itself; a chat socket leaves its chat rooms and is not recovered.
   *
   * @return as {@link #emit}
   */
  CompletionStage<Void> disconnectSockets();
}
