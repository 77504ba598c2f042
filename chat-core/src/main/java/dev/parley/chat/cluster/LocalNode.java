package dev.parley.chat.cluster;

import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.spi.ServerEvent;

/**
 * This node's connections, as a {@link ClusterEngine} sees them: the server implements it and gives
 * it to {@link ClusterEngine#start}. Every method queues and returns; none blocks. Calls for one room
 * come one at a time, in the room's order.
 *
 * <p>Threading: called on the engine's threads, never concurrently for one room. Lifecycle: made by the server and given to {@link ClusterEngine#start} once; the engine
 * may call it until its {@link ClusterEngine#close()} returns.
 */
public interface LocalNode {

  /**
   * The next entry of a room this node follows.
   *
   * @param room the room
   * @param entry the entry; the same instance goes to every local recipient
   * @return the number of local connections it was queued to
   */
  int onRoomEntry(String room, RoomEntry entry);

  /**
   * The engine cannot give a followed room's entries without a gap (its log lost some this node had
   * not received, or the shared state was lost). What the room's local members hold is stale.
   *
   * @param room the room
   * @param snapshot the room's log now; entries after it follow as usual
   */
  void onRoomReset(String room, RoomSnapshot snapshot);

  /**
   * A user left a room for good without their node saying so: the node that held their last
   * connection in it died, or was evicted. The engine has published their {@link
   * ServerEvent.Presence} (left) in the room already, and calls this on exactly one node of the
   * cluster, so that what a server adds to a leave (the "has left" notice) is said once. Engines of
   * a single node never call it.
   *
   * @param room the room
   * @param user the user who left it
   */
  default void onDeparted(String room, String user) {}

  /**
   * The {@link ServerEvent.Presence} (left) an engine publishes for a user who left a room without
   * their node saying so, before {@link #onDeparted}: with the live "has left" notice when the
   * server sends presence notices live only, so that the room's members are told as for any leave.
   * Called on any thread of the engine's, on the one node that publishes the departure.
   *
   * @param room the room
   * @param user the user who left it
   * @return the presence to publish in the room
   */
  default ServerEvent.Presence departure(String room, String user) {
    return new ServerEvent.Presence(room, user, false);
  }

  /**
   * Queues an event to this node's connections of a user.
   *
   * @return the number of connections it was queued to
   */
  int toUser(String user, ServerEvent event);

  /**
   * Queues an event to one of this node's connections.
   *
   * @return {@code true} if this node holds the connection and queued it
   */
  boolean toConnection(String connectionId, ServerEvent event);

  /**
   * Closes this node's connections of a user.
   *
   * @return the number closed
   */
  int disconnect(String user, String reason);

  /**
   * A payload another node {@linkplain ClusterEngine#relay relayed}; the server hands it to the
   * transport that relayed it.
   *
   * @param payload the bytes as relayed; this node may keep them
   */
  void onRelay(byte[] payload);

  /**
   * This node may have missed payloads other nodes {@linkplain ClusterEngine#relay relayed}: its
   * connection to the cluster was lost and is back, or the engine dropped deliveries under load.
   * The server then reads again what it keeps a copy of on the strength of relays (each room's bans
   * and mutes). Called on any thread of the engine's; does not block. The default does nothing.
   */
  default void onRelaysMissed() {}

  /**
   * The cluster gave this node up (it was unreachable past the engine's timeout, and its users have
   * left their rooms elsewhere). The server closes every connection; clients reconnect as new.
   */
  void onEvicted();

  /**
   * Where an engine reports what it counts ({@link ChatMetrics#clusterReconnected()}, {@link
   * ChatMetrics.Gauge#CLUSTER_BACKLOG}): the server's {@link dev.parley.chat.ChatServer#metrics()}.
   * Read it in {@link ClusterEngine#start}. The default counts nothing.
   *
   * @return the listener
   */
  default ChatMetrics metrics() {
    return ChatMetrics.NONE;
  }
}
