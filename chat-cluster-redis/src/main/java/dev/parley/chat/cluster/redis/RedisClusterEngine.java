package dev.parley.chat.cluster.redis;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.cluster.Exclusion;
import dev.parley.chat.cluster.LocalNode;
import dev.parley.chat.cluster.RoomSnapshot;
import dev.parley.chat.cluster.redis.internal.RedisEngine;
import dev.parley.chat.spi.ServerEvent;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * A {@link ClusterEngine} on Redis: every server (node) given one with the same Redis and key
 * prefix is part of one chat. docs/cluster.md describes the keys, scripts and channels, the
 * guarantees and the failure modes.
 *
 * <ul>
 *   <li>Each room message is one Redis call (a Lua script) that gives it a cluster-wide id and the
 *       room's next sequence number, appends it to the room's log stream and publishes it on the
 *       room's channel; only nodes that follow the room subscribe to that channel.
 *   <li>A node delivers each room's entries in sequence order, drops duplicates and fills gaps from
 *       the log; when the log cannot fill one, or Redis lost the room, it resets the room ({@link
 *       LocalNode#onRoomReset}) rather than skip silently.
 *   <li>Names and presence are Redis hashes and sets tagged with the node that made them. Nodes
 *       heartbeat; the records of a node whose heartbeat expired are removed by one of the others,
 *       with its users' Presence(left). A node that was so removed while alive (it froze) gets
 *       {@link LocalNode#onEvicted} and rejoins under a new {@link #nodeId()}.
 *   <li>While Redis is unreachable every call fails within {@link RedisClusterConfig#commandTimeout()}
 *       with {@link dev.parley.chat.cluster.ClusterUnavailableException}; nothing is queued.
 * </ul>
 *
 * <p><b>Threading and lifecycle.</b> As {@link ClusterEngine}: {@link #start} once, {@link #close}
 * once; the other methods from any thread, and none of them blocks. Stages complete on Lettuce's
 * I/O threads or on the engine's own thread ({@code parley-redis-engine}), so what is chained to them
 * must not block. {@link LocalNode} is called on the engine's thread, one call at a time, never on
 * Lettuce's I/O threads. {@link #nodeId()} is valid once {@link #start}'s stage has completed, and
 * changes when the node is evicted and rejoins. {@link #close} blocks for up to about three times
 * the command timeout: up to twice while it removes this node's names and presence, then while
 * Lettuce shuts down.
 */
public final class RedisClusterEngine implements ClusterEngine {
  private final RedisEngine engine;

  private RedisClusterEngine(RedisClusterConfig config) {
    this.engine = new RedisEngine(config);
  }

  /**
   * A new engine, for one server; it connects at {@link #start}.
   *
   * @param config where Redis is, and the timeouts
   * @return the engine
   */
  public static RedisClusterEngine create(RedisClusterConfig config) {
    return new RedisClusterEngine(java.util.Objects.requireNonNull(config, "config"));
  }

  @Override
  public CompletionStage<Void> start(LocalNode node, int logSize) {
    return engine.start(node, logSize);
  }

  /**
   * UP while both connections to Redis (commands and pub/sub) are open; DOWN before {@link #start},
   * after {@link #close()}, and while Lettuce reconnects. Does not ask Redis: it never blocks.
   */
  @Override
  public dev.parley.chat.monitoring.Health health() {
    return engine.health();
  }

  @Override
  public String nodeId() {
    return engine.nodeId();
  }

  @Override
  public CompletionStage<ServerEvent> publish(String room, ServerEvent event, Exclusion except) {
    return engine.publish(room, event, except);
  }

  @Override
  public CompletionStage<RoomSnapshot> follow(String room, int recent) {
    return engine.follow(room, recent);
  }

  @Override
  public void unfollow(String room) {
    engine.unfollow(room);
  }

  @Override
  public CompletionStage<List<ChatMessage>> recent(String room, int limit) {
    return engine.recent(room, limit);
  }

  @Override
  public CompletionStage<Optional<List<ChatMessage>>> after(String room, String afterId, int limit) {
    return engine.after(room, afterId, limit);
  }

  @Override
  public CompletionStage<String> nextId() {
    return engine.nextId();
  }

  @Override
  public CompletionStage<Boolean> claim(String user, String connectionId, boolean shared) {
    return engine.claim(user, connectionId, shared);
  }

  @Override
  public CompletionStage<Boolean> takeOver(String user, String connectionId, boolean shared, String earlierConnectionId) {
    return engine.takeOver(user, connectionId, shared, earlierConnectionId);
  }

  @Override
  public CompletionStage<Void> release(String user, String connectionId) {
    return engine.release(user, connectionId);
  }

  @Override
  public CompletionStage<Boolean> enter(String room, String user, String connectionId) {
    return engine.enter(room, user, connectionId);
  }

  @Override
  public CompletionStage<Boolean> exit(String room, String user, String connectionId) {
    return engine.exit(room, user, connectionId);
  }

  @Override
  public CompletionStage<List<String>> members(String room) {
    return engine.members(room);
  }

  @Override
  public CompletionStage<Set<String>> rooms() {
    return engine.rooms();
  }

  @Override
  public CompletionStage<Set<String>> onlineUsers() {
    return engine.onlineUsers();
  }

  @Override
  public CompletionStage<Boolean> isOnline(String user) {
    return engine.isOnline(user);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Connections on other nodes are counted by the user's claims on the nodes that received the
   * event.
   */
  @Override
  public CompletionStage<Integer> toUser(String user, ServerEvent event) {
    return engine.toUser(user, event);
  }

  /**
   * {@inheritDoc}
   *
   * <p>A connection on another node is found through its name claim: one that never claimed a name
   * is reachable on its own node only.
   */
  @Override
  public CompletionStage<Boolean> toConnection(String connectionId, ServerEvent event) {
    return engine.toConnection(connectionId, event);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Connections on other nodes are counted by the user's claims on the nodes that received it.
   */
  @Override
  public CompletionStage<Integer> disconnect(String user, String reason) {
    return engine.disconnect(user, reason);
  }

  @Override
  public CompletionStage<Void> relay(byte[] payload) {
    return engine.relay(payload);
  }

  /** The other nodes whose subscription took the payload, as Redis's {@code PUBLISH} counts them. */
  @Override
  public CompletionStage<Integer> relayCounted(byte[] payload) {
    return engine.relayCounted(payload);
  }

  @Override
  public CompletionStage<Void> keepSession(String sessionId, byte[] state, Duration ttl) {
    return engine.keepSession(sessionId, state, ttl);
  }

  @Override
  public CompletionStage<Optional<byte[]>> takeSession(String sessionId) {
    return engine.takeSession(sessionId);
  }

  @Override
  public void close() {
    engine.close();
  }
}
