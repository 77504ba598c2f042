package dev.parley.chat.socketio;

import java.util.concurrent.CompletionStage;

/**
 * A set of recipients being narrowed down, then an emit. The packet is encoded once and the same
 * bytes are sent to every recipient.
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
}
