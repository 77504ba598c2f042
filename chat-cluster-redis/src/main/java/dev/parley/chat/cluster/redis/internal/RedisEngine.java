package dev.parley.chat.cluster.redis.internal;

import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.monitoring.Health;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.cluster.Exclusion;
import dev.parley.chat.cluster.LocalNode;
import dev.parley.chat.cluster.MessageIds;
import dev.parley.chat.cluster.RoomEntry;
import dev.parley.chat.cluster.RoomSnapshot;
import dev.parley.chat.cluster.ServerEventCodec;
import dev.parley.chat.cluster.redis.RedisClusterConfig;
import dev.parley.chat.spi.ServerEvent;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis engine; see {@link dev.parley.chat.cluster.redis.RedisClusterEngine} for what it
 * promises and docs/cluster.md for how. Thread-safe: request methods run on the caller's thread and
 * complete on Lettuce's I/O threads; room delivery, inbox delivery, heartbeats and checks run on the
 * engine's one thread.
 */
public final class RedisEngine implements ClusterEngine {
  private static final Logger LOG = LoggerFactory.getLogger(RedisEngine.class);
  private static final byte TO_USER = 'U';
  private static final byte TO_CONNECTION = 'C';
  private static final byte DISCONNECT = 'D';

  private final RedisClusterConfig config;
  private final Keys keys;
  private final ScheduledThreadPoolExecutor exec;
  private final Backlog backlog;
  private volatile RedisOps redis;
  private volatile RoomFeeds feeds;
  private volatile NodeLife life;
  private volatile LocalNode node;
  private volatile int logSize;
  private volatile String inbox;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  public RedisEngine(RedisClusterConfig config) {
    this.config = config;
    this.keys = new Keys(config.keyPrefix());
    this.exec = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "parley-redis-engine");
      t.setDaemon(true);
      return t;
    });
    exec.setRemoveOnCancelPolicy(true);
    this.backlog = new Backlog(exec, Backlog.MAX_QUEUED);
  }

  @Override
  public CompletionStage<Void> start(LocalNode localNode, int logSize) {
    this.node = localNode;
    this.logSize = Math.max(1, logSize);
    return RedisOps.connect(config).thenCompose(ops -> {
      redis = ops;
      ChatMetrics metrics = localNode.metrics();
      ops.onReconnect(metrics::clusterReconnected);
      metrics.gauge(ChatMetrics.Gauge.CLUSTER_BACKLOG, backlog::size);
      feeds = new RoomFeeds(ops, keys, exec, backlog, localNode);
      life = new NodeLife(ops, exec, keys, config.nodeTimeout().toMillis(), localNode, this::publishPresence,
          this::newInbox);
      ops.pubSub().addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(String channel, byte[] message) {
          try {
            if (channel.equals(inbox)) {
              onInbox(message);
            } else if (channel.equals(keys.relayChannel())) {
              onRelay(message);
            } else {
              feeds.onChannelMessage(channel, message);
            }
          } catch (RejectedExecutionException closing) {
            // The engine is closing: nothing is delivered any more.
          }
        }

        @Override
        public void subscribed(String channel, long count) {
          try {
            feeds.onSubscribed(channel);
          } catch (RejectedExecutionException closing) {
            // as above
          }
        }
      });
      inbox = keys.inboxPrefix() + life.id();
      return RedisOps.mapped(ops.pubSub().async().subscribe(inbox, keys.relayChannel()))
          .thenCompose(v -> CompletableFuture.supplyAsync(life::register, exec).thenCompose(s -> s))
          .thenRun(() -> {
            long beat = config.heartbeatInterval().toMillis();
            exec.scheduleWithFixedDelay(life::tick, beat, beat, TimeUnit.MILLISECONDS);
            long check = config.checkInterval().toMillis();
            exec.scheduleWithFixedDelay(feeds::checkAll, check, check, TimeUnit.MILLISECONDS);
            warnIfEvicting(ops);
          })
          .whenComplete((v, e) -> {
            if (e != null) {
              ops.close();
            }
          });
    });
  }

  /**
   * Warns, once at start, when Redis may evict keys when it is full: the rooms notice what they lose
   * (they reset, and refuse recoveries from before the loss), but an evicted name, presence entry or
   * heartbeat is simply gone. Managed Redis services often refuse CONFIG: then nothing is said.
   */
  private static void warnIfEvicting(RedisOps ops) {
    ops.commands().configGet("maxmemory-policy").whenComplete((config, e) -> {
      String policy = e == null && config != null ? config.get("maxmemory-policy") : null;
      if (policy == null) {
        LOG.debug("could not read Redis's maxmemory-policy: {}", e == null ? "no answer" : e.toString());
      } else if (!policy.equals("noeviction")) {
        LOG.warn("Redis's maxmemory-policy is {}, not noeviction: when Redis is full it evicts keys, and names, "
            + "presence and node heartbeats it evicts are lost (rooms reset); see Redis persistence in docs/cluster.md",
            policy);
      }
    });
  }

  /** After an eviction: this node's inbox moves to its new id. Engine thread. */
  private void newInbox() {
    String old = inbox;
    inbox = keys.inboxPrefix() + life.id();
    redis.pubSub().async().unsubscribe(old);
    redis.pubSub().async().subscribe(inbox);
  }

  /** DOWN before it started, once closed, and while either Redis connection is lost. */
  @Override
  public Health health() {
    RedisOps ops = redis;
    if (closed.get()) {
      return Health.down("closed");
    }
    if (ops == null) {
      return Health.down("not started");
    }
    return ops.connected() ? Health.up("connected to Redis") : Health.down("Redis connection lost; reconnecting");
  }

  @Override
  public String nodeId() {
    return life.id();
  }

  // ------------------------------------------------------------------ order and log

  @Override
  public CompletionStage<ServerEvent> publish(String room, ServerEvent event, Exclusion except) {
    String kind = Entries.kind(event);
    byte[] payload = ServerEventCodec.encodeEntry(new RoomEntry(event, except));
    String[] k = {keys.idHash(), keys.roomMeta(room), keys.roomLog(room), keys.roomMsgs(room), keys.rooms(),
        keys.roomUsers(room), keys.roomChanges(room)};
    ChatMessage changed = event instanceof ServerEvent.MessageChanged c ? c.message() : null;
    long target = changed == null ? -1 : MessageIds.parse(changed.id());
    if (changed != null && target < 0) {
      return CompletableFuture.failedFuture(Entries.refusal("unknown"));
    }
    return redis.<List<Object>>eval(Script.PUBLISH, ScriptOutputType.MULTI, k, RedisOps.bytes(kind), payload,
            RedisOps.bytes(logSize), RedisOps.bytes(keys.roomChannelPrefix() + room), RedisOps.bytes(room),
            RedisOps.bytes(changed == null ? "" : Entries.streamId(target)),
            RedisOps.bytes(changed != null && changed.deleted() ? "1" : "0"))
        .thenApply(reply -> {
          if ((Long) reply.get(2) < 0) {
            throw Entries.refusal(RedisOps.string(reply.get(4)));
          }
          ServerEvent ordered = Entries.withId(event, id(reply));
          if (ordered instanceof ServerEvent.HistoryCleared h) {
            String last = RedisOps.string(reply.get(4));
            return Entries.through(h, last == null || last.isEmpty() ? null : MessageIds.format(Entries.id(last)));
          }
          return ordered;
        });
  }

  private CompletionStage<ServerEvent> publishPresence(String room, ServerEvent presence) {
    return publish(room, presence, Exclusion.none());
  }

  /** The id in a reply that starts with {ms, n}. */
  private static long id(List<Object> reply) {
    return ((Long) reply.get(0) << 12) | (Long) reply.get(1);
  }

  @Override
  public CompletionStage<RoomSnapshot> follow(String room, int recent) {
    return feeds.follow(room, recent);
  }

  @Override
  public void unfollow(String room) {
    feeds.unfollow(room);
  }

  @Override
  public CompletionStage<List<ChatMessage>> recent(String room, int limit) {
    return redis.<List<Object>>eval(Script.SNAPSHOT, ScriptOutputType.MULTI,
            new String[] {keys.roomMeta(room), keys.roomLog(room)}, RedisOps.bytes(Math.max(0, limit)))
        .thenApply(all -> {
          @SuppressWarnings("unchecked")
          List<Object> reply = (List<Object>) all.get(0); // snapshot.lua reads many rooms; this is one
          List<ChatMessage> messages = new ArrayList<>();
          java.util.Map<String, ChatMessage> changes = new java.util.HashMap<>();
          for (int i = reply.size() - 3; i >= 4; i -= 3) {
            RoomEntry entry = feeds.decode((byte[]) reply.get(i + 2), 0, RedisOps.string(reply.get(i)));
            if (entry != null && entry.event() instanceof ServerEvent.Message m) {
              messages.add(m.message());
            } else if (entry != null && entry.event() instanceof ServerEvent.MessageChanged c) {
              changes.put(c.message().id(), c.message()); // oldest first here: the latest wins
            }
          }
          messages.replaceAll(m -> changes.getOrDefault(m.id(), m));
          return messages;
        });
  }

  @Override
  public CompletionStage<Optional<List<ChatMessage>>> after(String room, String afterId, int limit) {
    long id = MessageIds.parse(afterId);
    if (id < 0) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return redis.<List<Object>>eval(Script.AFTER, ScriptOutputType.MULTI,
            new String[] {keys.roomLog(room), keys.roomMeta(room), keys.idHash()},
            RedisOps.bytes(Entries.streamId(id)), RedisOps.bytes(Math.max(0, limit)), RedisOps.bytes(room))
        .thenApply(reply -> {
          if ((Long) reply.get(0) == 0) {
            return Optional.empty();
          }
          List<ChatMessage> out = new ArrayList<>();
          for (int i = 1; i + 1 < reply.size(); i += 2) {
            message(reply.get(i), reply.get(i + 1)).ifPresent(out::add);
          }
          return Optional.of(Entries.latest(out));
        });
  }

  private Optional<ChatMessage> message(Object streamId, Object payload) {
    RoomEntry entry = feeds.decode((byte[]) payload, 0, RedisOps.string(streamId));
    if (entry != null && entry.event() instanceof ServerEvent.MessageChanged c) {
      return Optional.of(c.message());
    }
    return entry != null && entry.event() instanceof ServerEvent.Message m ? Optional.of(m.message()) : Optional.empty();
  }

  @Override
  public CompletionStage<String> nextId() {
    return redis.<List<Object>>eval(Script.NEXT_ID, ScriptOutputType.MULTI, new String[] {keys.idHash()})
        .thenApply(reply -> MessageIds.format(id(reply)));
  }

  // ------------------------------------------------------------------ names and presence

  @Override
  public CompletionStage<Boolean> claim(String user, String connectionId, boolean shared) {
    return takeOver(user, connectionId, shared, null);
  }

  @Override
  public CompletionStage<Boolean> takeOver(String user, String connectionId, boolean shared, String earlierConnectionId) {
    String me = life.id();
    String[] k = {keys.user(user), keys.nodes(), keys.index(me), keys.online(), keys.connNode(), keys.connClaims()};
    String earlier = earlierConnectionId == null ? "" : earlierConnectionId;
    return evicting(redis.<Long>eval(Script.CLAIM, ScriptOutputType.INTEGER, k, RedisOps.bytes(connectionId),
            RedisOps.bytes(me), RedisOps.bytes(shared ? "s" : "x"), RedisOps.bytes(user),
            RedisOps.bytes(Keys.claimMember(user, connectionId)), RedisOps.bytes(earlier),
            RedisOps.bytes(keys.prefix()),
            RedisOps.bytes(earlier.isEmpty() ? "" : Keys.claimMember(user, earlier))))
        .thenApply(r -> r == 1);
  }

  @Override
  public CompletionStage<Void> release(String user, String connectionId) {
    // The claim is in the index of the node that made it, which is this one unless it was evicted
    // since; then the reaper removed it already and release.lua finds nothing.
    String[] k = {keys.user(user), keys.nodes(), keys.index(life.id()), keys.online(), keys.connNode(),
        keys.connClaims()};
    return redis.<Long>eval(Script.RELEASE, ScriptOutputType.INTEGER, k, RedisOps.bytes(connectionId),
            RedisOps.bytes(user), RedisOps.bytes(Keys.claimMember(user, connectionId)))
        .thenApply(r -> null);
  }

  @Override
  public CompletionStage<Boolean> enter(String room, String user, String connectionId) {
    String me = life.id();
    String[] k = {keys.roomConns(room), keys.roomUsers(room), keys.nodes(), keys.index(me), keys.rooms()};
    return evicting(redis.<Long>eval(Script.ENTER, ScriptOutputType.INTEGER, k, RedisOps.bytes(connectionId),
            RedisOps.bytes(user), RedisOps.bytes(me), RedisOps.bytes(Keys.roomMember(room, connectionId)),
            RedisOps.bytes(room)))
        .thenApply(r -> r == 1);
  }

  @Override
  public CompletionStage<Boolean> exit(String room, String user, String connectionId) {
    String[] k = {keys.roomConns(room), keys.roomUsers(room), keys.nodes(), keys.index(life.id()), keys.rooms(),
        keys.roomMsgs(room)};
    return redis.<Long>eval(Script.EXIT, ScriptOutputType.INTEGER, k, RedisOps.bytes(connectionId),
            RedisOps.bytes(user), RedisOps.bytes(Keys.roomMember(room, connectionId)), RedisOps.bytes(room))
        .thenApply(r -> r == 1);
  }

  /** A call that fails because this node was reaped makes the node notice at once, not at its next beat. */
  private <T> CompletionStage<T> evicting(CompletionStage<T> call) {
    return call.whenComplete((v, e) -> {
      if (e != null && RedisOps.isEvicted(e)) {
        exec.execute(life::tick);
      }
    });
  }

  @Override
  public CompletionStage<List<String>> members(String room) {
    return RedisOps.mapped(redis.commands().hkeys(keys.roomUsers(room)))
        .thenApply(users -> users.stream().sorted().collect(Collectors.toList()));
  }

  @Override
  public CompletionStage<Set<String>> rooms() {
    return strings(keys.rooms());
  }

  @Override
  public CompletionStage<Set<String>> onlineUsers() {
    return strings(keys.online());
  }

  @Override
  public CompletionStage<Boolean> isOnline(String user) {
    return RedisOps.mapped(redis.commands().sismember(keys.online(), RedisOps.bytes(user)));
  }

  private CompletionStage<Set<String>> strings(String setKey) {
    return RedisOps.mapped(redis.commands().smembers(setKey))
        .thenApply(members -> members.stream().map(RedisOps::string).collect(Collectors.toCollection(TreeSet::new)));
  }

  // ------------------------------------------------------------------ routing

  @Override
  public CompletionStage<Integer> toUser(String user, ServerEvent event) {
    return route(user, inboxMessage(TO_USER, user, ServerEventCodec.encodeEvent(event)), () -> node.toUser(user, event));
  }

  @Override
  public CompletionStage<Integer> disconnect(String user, String reason) {
    return route(user, inboxMessage(DISCONNECT, user, reason.getBytes(StandardCharsets.UTF_8)),
        () -> node.disconnect(user, reason));
  }

  /**
   * Sends to the other nodes holding the user first and to this node's connections after, so that a
   * call that fails (Redis unavailable) has reached nobody.
   */
  private CompletionStage<Integer> route(String user, byte[] message, java.util.function.IntSupplier local) {
    return redis.<Long>eval(Script.ROUTE, ScriptOutputType.INTEGER, new String[] {keys.user(user)},
            RedisOps.bytes(life.id()), RedisOps.bytes(keys.inboxPrefix()), message)
        .thenApplyAsync(remote -> remote.intValue() + local.getAsInt(), exec);
  }

  @Override
  public CompletionStage<Boolean> toConnection(String connectionId, ServerEvent event) {
    return CompletableFuture.supplyAsync(() -> node.toConnection(connectionId, event), exec).thenCompose(here -> {
      if (here) {
        return CompletableFuture.completedFuture(true);
      }
      return RedisOps.mapped(redis.commands().hget(keys.connNode(), connectionId)).thenCompose(owner -> {
        String ownerId = RedisOps.string(owner);
        if (ownerId == null || ownerId.equals(life.id())) {
          return CompletableFuture.completedFuture(false);
        }
        byte[] message = inboxMessage(TO_CONNECTION, connectionId, ServerEventCodec.encodeEvent(event));
        return RedisOps.mapped(redis.commands().publish(keys.inboxPrefix() + ownerId, message)).thenApply(n -> n > 0);
      });
    });
  }

  /** An inbox message: kind, target length, target, then the event (or a disconnect's reason). */
  private static byte[] inboxMessage(byte kind, String target, byte[] body) {
    byte[] t = target.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(5 + t.length + body.length).put(kind).putInt(t.length).put(t).put(body).array();
  }

  /** From the pub/sub listener: something another node routed here. */
  private void onInbox(byte[] message) {
    ByteBuffer b = ByteBuffer.wrap(message);
    byte kind = b.get();
    byte[] t = new byte[b.getInt()];
    b.get(t);
    String target = new String(t, StandardCharsets.UTF_8);
    int offset = b.position();
    backlog.offer(() -> {
      try {
        if (kind == TO_USER) {
          node.toUser(target, ServerEventCodec.decodeEvent(message, offset, message.length - offset));
        } else if (kind == TO_CONNECTION) {
          node.toConnection(target, ServerEventCodec.decodeEvent(message, offset, message.length - offset));
        } else if (kind == DISCONNECT) {
          node.disconnect(target, new String(message, offset, message.length - offset, StandardCharsets.UTF_8));
        }
      } catch (RuntimeException e) {
        LOG.error("Could not deliver a message routed from another node", e);
      }
    }, "a message routed from another node");
  }

  // ------------------------------------------------------------------ relay

  /** One PUBLISH on the channel every node subscribes to: the sender's id, then the payload. */
  @Override
  public CompletionStage<Void> relay(byte[] payload) {
    return relayCounted(payload).thenApply(n -> null);
  }

  /**
   * {@code PUBLISH} counts the subscriptions that took the message, this node's own among them
   * (every node subscribes to the relay channel); the others are one fewer.
   */
  @Override
  public CompletionStage<Integer> relayCounted(byte[] payload) {
    byte[] me = life.id().getBytes(StandardCharsets.UTF_8);
    byte[] message = ByteBuffer.allocate(1 + me.length + payload.length).put((byte) me.length).put(me).put(payload)
        .array();
    return RedisOps.mapped(redis.commands().publish(keys.relayChannel(), message))
        .thenApply(n -> (int) Math.max(0, n - 1));
  }

  /** From the pub/sub listener: a relay, which this node passes on unless it sent it itself. */
  private void onRelay(byte[] message) {
    int idLength = message[0] & 0xff;
    String sender = new String(message, 1, idLength, StandardCharsets.UTF_8);
    byte[] payload = java.util.Arrays.copyOfRange(message, 1 + idLength, message.length);
    backlog.offer(() -> {
      if (sender.equals(life.id())) {
        return;
      }
      try {
        node.onRelay(payload);
      } catch (RuntimeException e) {
        LOG.error("Could not pass on a payload relayed from another node", e);
      }
    }, "a relay from another node");
  }

  // ------------------------------------------------------------------ transport recovery state

  @Override
  public CompletionStage<Void> keepSession(String sessionId, byte[] state, Duration ttl) {
    return RedisOps.mapped(redis.commands().set(keys.session(sessionId), state, SetArgs.Builder.px(ttl)))
        .thenApply(ok -> null);
  }

  @Override
  public CompletionStage<Optional<byte[]>> takeSession(String sessionId) {
    return RedisOps.mapped(redis.commands().getdel(keys.session(sessionId))).thenApply(Optional::ofNullable);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    RedisOps ops = redis;
    if (ops == null) {
      exec.shutdownNow();
      return;
    }
    try {
      ops.await(CompletableFuture.supplyAsync(life::leave, exec).thenCompose(s -> s));
    } catch (Exception e) {
      LOG.warn("Could not remove this node's names and presence from Redis; the other nodes reap them "
          + "once its heartbeat expires", e);
    }
    exec.shutdownNow();
    ops.close();
  }
}
