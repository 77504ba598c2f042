package dev.parley.chat.cluster.redis.internal;

import dev.parley.chat.cluster.LocalNode;
import dev.parley.chat.spi.ServerEvent;
import io.lettuce.core.ScriptOutputType;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's membership of the cluster: its id, its heartbeat, reaping dead nodes, and rejoining
 * under a new id when it was reaped itself.
 *
 * <p>Every {@code heartbeatInterval} the node refreshes its heartbeat key (beat.lua), which expires
 * after {@code nodeTimeout}. If the node was reaped meanwhile (it froze, or could not reach Redis
 * for longer than the timeout while others could, or Redis lost its data) it takes a new id,
 * registers it and calls {@link LocalNode#onEvicted}. Then it reaps (reap.lua): every node whose key
 * expired loses its claims and presence, and the users who so left a room for good get a
 * Presence(left) there, published by the one node whose reap.lua removed them. A node reaps only
 * after its own heartbeats have succeeded for a whole {@code nodeTimeout}, so that after Redis
 * comes back every node has that long to refresh its key before anyone counts it dead.
 *
 * <p>Threading: {@link #tick} and {@link #leave} run on the engine thread; {@link #id} is read from
 * any thread.
 */
final class NodeLife {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLife.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final RedisOps redis;
  private final Executor exec;
  private final Keys keys;
  private final long ttlMillis;
  private final LocalNode node;
  /** Publishes a Presence(left) into a room, as the engine does. */
  private final BiFunction<String, ServerEvent, CompletionStage<ServerEvent>> publisher;
  private final Runnable onNewId;
  private volatile String id = newId();
  private boolean registered;
  /** Set by leave(): a heartbeat still in flight must not take the leaving node for evicted. */
  private volatile boolean leaving;
  private boolean ticking;
  /** When this node's heartbeats last started succeeding without a break, or -1. */
  private long healthySinceNanos = -1;

  NodeLife(RedisOps redis, Executor exec, Keys keys, long ttlMillis, LocalNode node,
      BiFunction<String, ServerEvent, CompletionStage<ServerEvent>> publisher, Runnable onNewId) {
    this.redis = redis;
    this.exec = exec;
    this.keys = keys;
    this.ttlMillis = ttlMillis;
    this.node = node;
    this.publisher = publisher;
    this.onNewId = onNewId;
  }

  String id() {
    return id;
  }

  private static String newId() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  CompletionStage<Void> register() {
    String me = id;
    return redis.<Long>eval(Script.REGISTER, ScriptOutputType.INTEGER,
            new String[] {keys.heartbeat(me), keys.nodes()}, RedisOps.bytes(me), RedisOps.bytes(ttlMillis))
        .thenAcceptAsync(ok -> {
          registered = true;
          healthySinceNanos = System.nanoTime();
        }, exec);
  }

  /** One heartbeat, then a reap if this node has been healthy long enough. Engine thread. */
  void tick() {
    if (ticking || leaving) {
      return;
    }
    ticking = true;
    String me = id;
    CompletionStage<Long> beat = registered
        ? redis.eval(Script.BEAT, ScriptOutputType.INTEGER, new String[] {keys.heartbeat(me), keys.nodes()},
            RedisOps.bytes(me), RedisOps.bytes(ttlMillis))
        : register().thenApply(v -> 1L);
    beat.thenComposeAsync(result -> {
      if (leaving) {
        return CompletableFuture.<Void>completedFuture(null);
      }
      if (result == 0) {
        evicted();
        return CompletableFuture.completedFuture(null);
      }
      if (healthySinceNanos < 0) {
        healthySinceNanos = System.nanoTime();
      }
      return System.nanoTime() - healthySinceNanos >= ttlMillis * 1_000_000L
          ? reap(keys.nodes(), "")
          : CompletableFuture.<Void>completedFuture(null);
    }, exec).whenCompleteAsync((v, e) -> {
      ticking = false;
      if (e != null) {
        healthySinceNanos = -1;
        if (RedisOps.unavailable(e) instanceof dev.parley.chat.cluster.ClusterUnavailableException) {
          LOG.debug("Heartbeat failed; Redis is unavailable", e);
        } else {
          LOG.error("Heartbeat failed", e);
        }
      }
    }, exec);
  }

  private void evicted() {
    String old = id;
    id = newId();
    registered = false;
    healthySinceNanos = -1;
    LOG.warn("This node was evicted from the cluster (it was reaped: it did not refresh its heartbeat in "
        + "time, or Redis lost its data); "
        + "closing its connections and rejoining as a new node");
    onNewId.run();
    try {
      node.onEvicted();
    } catch (RuntimeException e) {
      LOG.error("LocalNode.onEvicted failed", e);
    }
    register().whenComplete((v, e) -> {
      if (e == null) {
        LOG.info("Rejoined the cluster as a new node (was {})", old);
      }
    });
  }

  /** Runs reap.lua and publishes a Presence(left) for every user it took out of a room. */
  private CompletionStage<Void> reap(String nodesKey, String leavingId) {
    return redis.<List<Object>>eval(Script.REAP, ScriptOutputType.MULTI, new String[] {nodesKey},
            RedisOps.bytes(keys.prefix()), RedisOps.bytes(leavingId))
        .thenCompose(left -> {
          List<CompletableFuture<ServerEvent>> sent = new ArrayList<>();
          for (int i = 0; i + 1 < left.size(); i += 2) {
            String room = RedisOps.string(left.get(i));
            String user = RedisOps.string(left.get(i + 1));
            // A leaving node's own departures go bare: its server says nothing more.
            ServerEvent departure = leavingId.isEmpty()
                ? departure(room, user)
                : new ServerEvent.Presence(room, user, false);
            sent.add(publisher.apply(room, departure)
                .thenApplyAsync(presence -> {
                  if (!leavingId.isEmpty()) {
                    return presence; // this node is closing: its server says nothing more
                  }
                  // This node alone removed the user, so this node alone has the server tell of it.
                  try {
                    node.onDeparted(room, user);
                  } catch (RuntimeException e) {
                    LOG.error("LocalNode.onDeparted failed", e);
                  }
                  return presence;
                }, exec)
                .toCompletableFuture());
          }
          return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
        });
  }

  private ServerEvent departure(String room, String user) {
    try {
      return node.departure(room, user);
    } catch (RuntimeException e) {
      LOG.error("LocalNode.departure failed; the departure goes without its notice", e);
      return new ServerEvent.Presence(room, user, false);
    }
  }

  /** Leaves the cluster: this node's records go, with their Presence(left). */
  CompletionStage<Void> leave() {
    leaving = true;
    return reap(keys.nodes(), id);
  }

}
