package dev.parley.chat.cluster.redis.internal;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.cluster.LocalNode;
import dev.parley.chat.cluster.MessageIds;
import dev.parley.chat.cluster.RoomEntry;
import dev.parley.chat.cluster.RoomSnapshot;
import dev.parley.chat.cluster.ServerEventCodec;
import dev.parley.chat.spi.ServerEvent;
import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms this node follows, each delivered to {@link LocalNode} exactly once and in order.
 *
 * <p>A room is followed by subscribing to its channel first and reading its position and newest
 * messages (snapshot.lua) once the subscription holds, so that nothing published after the
 * snapshot is missed. Every entry carries its room sequence number and epoch; entries are buffered
 * by sequence, delivered when the next one is there, dropped if already delivered, and a gap is
 * filled from the room's log stream (range.lua). When the log no longer holds what is missing, or
 * the epoch changed (Redis lost the room), the room is read afresh and {@link LocalNode#onRoomReset}
 * tells the server. A subscription that lost messages with no newer message to show it is caught
 * by {@link #checkAll} and when Lettuce re-subscribes after a reconnect.
 *
 * <p>Threading: all state is confined to the engine's one thread, {@code exec}; the pub/sub
 * listener (on Lettuce's I/O thread) only decodes and hands over. So {@link LocalNode} is called on
 * the engine thread, never on Lettuce's, one entry at a time across all rooms.
 */
final class RoomFeeds {
  private static final Logger LOG = LoggerFactory.getLogger(RoomFeeds.class);
  private static final int FILL_BATCH = 500;
  private static final long RETRY_MILLIS = 1000;

  private final RedisOps redis;
  private final Keys keys;
  private final ScheduledExecutorService exec;
  private final LocalNode node;
  private final Backlog backlog;
  private final Map<String, Feed> feeds = new HashMap<>();
  private final FollowBatches batches;

  RoomFeeds(RedisOps redis, Keys keys, ScheduledExecutorService exec, Backlog backlog, LocalNode node) {
    this.redis = redis;
    this.keys = keys;
    this.exec = exec;
    this.backlog = backlog;
    this.node = node;
    this.batches = new FollowBatches(redis, keys, exec);
  }

  /** One followed room; engine thread only. */
  private static final class Feed {
    final String room;
    int follows;
    int recent;
    CompletableFuture<Void> subscribed;
    boolean live;
    boolean filling;
    boolean resetting;
    /** The position delivered: epoch (null while the room has none), sequence, stream entry id. */
    String epoch;
    long seq;
    String streamId = "0-0";
    String lastMessageId;
    /** The highest sequence known to exist, from the channel or a position check. */
    long known;
    final TreeMap<Long, Pending> pending = new TreeMap<>();

    Feed(String room) {
      this.room = room;
    }
  }

  /** An entry not delivered yet; {@code entry} null if it could not be decoded (skipped, logged). */
  private record Pending(long seq, String epoch, String streamId, RoomEntry entry) {}

  /** A snapshot: its messages newest first, and the changes among them with their sequence numbers. */
  private record Snap(long seq, String epoch, String last, String head, List<Long> seqs, List<ChatMessage> newestFirst,
      List<Long> changeSeqs, List<ChatMessage> changesNewestFirst) {}

  private String channel(String room) {
    return keys.roomChannelPrefix() + room;
  }

  CompletionStage<RoomSnapshot> follow(String room, int recent) {
    CompletableFuture<RoomSnapshot> out = new CompletableFuture<>();
    exec.execute(() -> {
      Feed f = feeds.get(room);
      if (f == null) {
        Feed created = new Feed(room);
        feeds.put(room, created);
        created.subscribed = batches.subscribe(channel(room));
        f = created;
      }
      Feed feed = f;
      feed.follows++;
      feed.recent = Math.max(feed.recent, recent);
      feed.subscribed.whenCompleteAsync(guard((v, e) -> {
        if (e != null) {
          abandon(feed);
          out.completeExceptionally(RedisOps.unavailable(e));
          return;
        }
        readSnapshot(feed, recent).whenCompleteAsync(guard((snap, e2) -> {
          if (e2 != null) {
            abandon(feed);
            out.completeExceptionally(RedisOps.unavailable(e2));
          } else if (!feed.live) {
            position(feed, snap);
            feed.live = true;
            out.complete(new RoomSnapshot(oldestFirst(snap, Long.MAX_VALUE, recent), snap.last()));
            drain(feed);
          } else {
            // Already delivering: the snapshot is cut at what this node delivered, so that the
            // entries that follow are exactly those after it.
            out.complete(new RoomSnapshot(oldestFirst(snap, feed.seq, recent), feed.lastMessageId));
          }
        }), exec);
      }), exec);
    });
    return out;
  }

  void unfollow(String room) {
    exec.execute(() -> {
      Feed f = feeds.get(room);
      if (f != null && --f.follows <= 0) {
        feeds.remove(room);
        redis.pubSub().async().unsubscribe(channel(room));
      }
    });
  }

  private void abandon(Feed f) {
    if (--f.follows <= 0 && feeds.get(f.room) == f) {
      feeds.remove(f.room);
      redis.pubSub().async().unsubscribe(channel(f.room));
    }
  }

  /** From the pub/sub listener: {@code seq:epoch:streamId:payload} on a room's channel. */
  void onChannelMessage(String channel, byte[] message) {
    if (!channel.startsWith(keys.roomChannelPrefix())) {
      return;
    }
    String room = channel.substring(keys.roomChannelPrefix().length());
    int c1 = indexOf(message, 0);
    int c2 = c1 < 0 ? -1 : indexOf(message, c1 + 1);
    int c3 = c2 < 0 ? -1 : indexOf(message, c2 + 1);
    if (c3 < 0) {
      LOG.error("Dropped a malformed entry on a room channel (written by another Parley version?)");
      return;
    }
    long seq = Long.parseLong(Entries.ascii(message, 0, c1));
    String epoch = Entries.ascii(message, c1 + 1, c2);
    String streamId = Entries.ascii(message, c2 + 1, c3);
    Pending p = new Pending(seq, epoch, streamId, decode(message, c3 + 1, streamId));
    // Dropped when the engine thread is too far behind: the next entry, or the position check,
    // shows the gap, and the log fills it.
    backlog.offer(() -> receive(room, p), "a room entry");
  }

  /** From the pub/sub listener: Lettuce (re)subscribed a channel, maybe after a reconnect. */
  void onSubscribed(String channel) {
    if (!channel.startsWith(keys.roomChannelPrefix())) {
      return;
    }
    String room = channel.substring(keys.roomChannelPrefix().length());
    exec.execute(() -> {
      Feed f = feeds.get(room);
      if (f == null) {
        // An unsubscribe rejected while Redis was away; Lettuce restored the subscription.
        redis.pubSub().async().unsubscribe(channel);
      } else if (f.live) {
        check(f);
      }
    });
  }

  /** Compares every followed room's position in Redis with what was delivered. Engine thread. */
  void checkAll() {
    for (Feed f : feeds.values()) {
      if (f.live && !f.filling && !f.resetting) {
        check(f);
      }
    }
  }

  private void check(Feed f) {
    // The answer tells of Redis when the check ran there, and entries published after that may be
    // delivered (on the other connection) before it arrives. A room's first entries give it its
    // epoch: an answer asked for before them still says "no epoch", which is no loss. So the answer
    // is judged against the epoch held when it was asked, and only while the node still holds it.
    String asked = f.epoch;
    redis.commands().hmget(keys.roomMeta(f.room), "seq", "epoch").whenCompleteAsync(guard((kv, e) -> {
      if (e != null || feeds.get(f.room) != f || !f.live || f.filling || f.resetting
          || !Objects.equals(f.epoch, asked)) {
        return;
      }
      long seq = kv.get(0).hasValue() ? Long.parseLong(RedisOps.string(kv.get(0).getValue())) : 0;
      String epoch = kv.get(1).hasValue() ? RedisOps.string(kv.get(1).getValue()) : null;
      if (f.epoch != null && !f.epoch.equals(epoch)) {
        reset(f, "its epoch changed (Redis lost it)");
      } else if (seq > f.seq) {
        afterChannel(f, seq);
      }
    }), exec);
  }

  /**
   * The check found entries up to {@code seq} this node has not delivered. They may still be on
   * their way on the pub/sub connection, which keeps no order with the command connection: reading
   * them from the log now could find them gone behind a clear and reset the room for nothing. A
   * PING on the pub/sub connection, sent after the check ran in Redis, is answered after every
   * message published before it, and those are queued to this thread before its answer is; what is
   * still missing then was lost. If the PING fails, the log is read anyway.
   */
  private void afterChannel(Feed f, long seq) {
    redis.pubSub().async().ping().whenCompleteAsync(guard((pong, e) -> {
      if (feeds.get(f.room) != f || !f.live || f.filling || f.resetting || seq <= f.seq) {
        return;
      }
      f.known = Math.max(f.known, seq);
      if (f.pending.isEmpty()) {
        fill(f);
      } else {
        drain(f);
      }
    }), exec);
  }

  private void receive(String room, Pending p) {
    Feed f = feeds.get(room);
    if (f == null) {
      return;
    }
    f.pending.put(p.seq(), p);
    f.known = Math.max(f.known, p.seq());
    drain(f);
  }

  private void drain(Feed f) {
    while (f.live && !f.filling && !f.resetting && !f.pending.isEmpty()) {
      Pending p = f.pending.firstEntry().getValue();
      if (f.epoch != null && !f.epoch.equals(p.epoch())) {
        reset(f, "an entry of another epoch arrived (Redis lost the room)");
        return;
      }
      if (p.seq() <= f.seq) {
        f.pending.pollFirstEntry();
      } else if (p.seq() == f.seq + 1) {
        f.pending.pollFirstEntry();
        deliver(f, p);
      } else {
        fill(f);
        return;
      }
    }
    if (f.live && !f.filling && !f.resetting && f.pending.isEmpty() && f.known > f.seq) {
      fill(f);
    }
  }

  private void deliver(Feed f, Pending p) {
    f.seq = p.seq();
    f.epoch = p.epoch();
    f.streamId = p.streamId();
    if (p.entry() == null) {
      return;
    }
    RoomEntry entry = p.entry();
    if (entry.event() instanceof ServerEvent.Message m) {
      f.lastMessageId = m.message().id();
    } else if (entry.event() instanceof ServerEvent.HistoryCleared h) {
      // Entries come here exactly once and in order, so the newest message delivered is the newest
      // ordered before the clear: what publish.lua told the publishing node.
      entry = new RoomEntry(Entries.through(h, f.lastMessageId), entry.except());
    }
    try {
      node.onRoomEntry(f.room, entry);
    } catch (RuntimeException e) {
      LOG.error("LocalNode.onRoomEntry failed; the entry is not delivered on this node", e);
    }
  }

  /** Reads what is missing after the last delivered entry from the room's log. */
  private void fill(Feed f) {
    if (f.filling || f.resetting) {
      // One read at a time: a second one, from the same position, would find the entries the
      // first delivered already gone from in front of it and take that for a gap.
      return;
    }
    f.filling = true;
    redis.<List<Object>>eval(Script.RANGE, ScriptOutputType.MULTI,
            new String[] {keys.roomMeta(f.room), keys.roomLog(f.room)},
            RedisOps.bytes(f.streamId), RedisOps.bytes(FILL_BATCH))
        .whenCompleteAsync(guard((reply, e) -> {
          f.filling = false;
          if (feeds.get(f.room) != f) {
            return;
          }
          if (e != null) {
            exec.schedule(() -> drain(f), RETRY_MILLIS, TimeUnit.MILLISECONDS);
            return;
          }
          String epoch = emptyToNull(RedisOps.string(reply.get(0)));
          long next = reply.size() > 1 ? (Long) reply.get(2) : -1;
          if (f.epoch != null && !f.epoch.equals(epoch)) {
            reset(f, "its epoch changed (Redis lost it)");
            return;
          }
          if (next != f.seq + 1) {
            if (next >= 0 || f.known > f.seq) {
              reset(f, "its log no longer holds entries this node missed (after " + f.seq + " it has " + next + ")");
            }
            return;
          }
          for (int i = 1; i + 3 < reply.size(); i += 4) {
            String streamId = RedisOps.string(reply.get(i));
            byte[] payload = (byte[]) reply.get(i + 3);
            f.pending.put((Long) reply.get(i + 1), new Pending((Long) reply.get(i + 1), epoch, streamId,
                decode(payload, 0, streamId)));
          }
          drain(f);
          if ((reply.size() - 1) / 4 == FILL_BATCH && !f.filling && !f.resetting && f.known > f.seq) {
            fill(f);
          }
        }), exec);
  }

  /** The room's log lost entries this node had not delivered: start over from its present state. */
  private void reset(Feed f, String why) {
    if (f.resetting) {
      return;
    }
    LOG.info("Resetting a followed room: {}", why);
    f.resetting = true;
    f.pending.clear();
    resnapshot(f);
  }

  private void resnapshot(Feed f) {
    readSnapshot(f, f.recent).whenCompleteAsync(guard((snap, e) -> {
      if (feeds.get(f.room) != f) {
        return;
      }
      if (e != null) {
        exec.schedule(() -> resnapshot(f), RETRY_MILLIS, TimeUnit.MILLISECONDS);
        return;
      }
      position(f, snap);
      f.pending.values().removeIf(p -> !p.epoch().equals(snap.epoch()));
      f.resetting = false;
      try {
        node.onRoomReset(f.room, new RoomSnapshot(oldestFirst(snap, Long.MAX_VALUE, f.recent), snap.last()));
      } catch (RuntimeException ex) {
        LOG.error("LocalNode.onRoomReset failed", ex);
      }
      drain(f);
    }), exec);
  }

  private void position(Feed f, Snap s) {
    f.seq = s.seq();
    f.epoch = s.epoch();
    f.streamId = s.head();
    f.lastMessageId = s.last();
    // What was known before may belong to an epoch Redis lost; only this one's entries count.
    f.known = s.seq();
    for (Pending p : f.pending.values()) {
      if (p.epoch().equals(s.epoch())) {
        f.known = Math.max(f.known, p.seq());
      }
    }
  }

  private CompletionStage<Snap> readSnapshot(Feed f, int recent) {
    return batches.snapshot(f.room, recent).thenApply(this::snap);
  }

  private Snap snap(List<Object> reply) {
    String last = emptyToNull(RedisOps.string(reply.get(2)));
    List<Long> seqs = new ArrayList<>();
    List<ChatMessage> messages = new ArrayList<>();
    List<Long> changeSeqs = new ArrayList<>();
    List<ChatMessage> changes = new ArrayList<>();
    for (int i = 4; i + 2 < reply.size(); i += 3) {
      String streamId = RedisOps.string(reply.get(i));
      RoomEntry entry = decode((byte[]) reply.get(i + 2), 0, streamId);
      if (entry != null && entry.event() instanceof ServerEvent.Message m) {
        seqs.add((Long) reply.get(i + 1));
        messages.add(m.message());
      } else if (entry != null && entry.event() instanceof ServerEvent.MessageChanged c) {
        changeSeqs.add((Long) reply.get(i + 1));
        changes.add(c.message());
      }
    }
    return new Snap((Long) reply.get(0), emptyToNull(RedisOps.string(reply.get(1))),
        last == null ? null : MessageIds.format(Entries.id(last)),
        RedisOps.string(reply.get(3)), seqs, messages, changeSeqs, changes);
  }

  /**
   * The snapshot's messages up to a sequence number, at most {@code limit}, oldest first, each in its
   * version as of that sequence number: a later change comes as an entry after the snapshot.
   */
  private static List<ChatMessage> oldestFirst(Snap s, long upTo, int limit) {
    java.util.Map<String, ChatMessage> changed = new java.util.HashMap<>();
    for (int i = 0; i < s.changesNewestFirst().size(); i++) {
      if (s.changeSeqs().get(i) <= upTo) {
        changed.putIfAbsent(s.changesNewestFirst().get(i).id(), s.changesNewestFirst().get(i));
      }
    }
    List<ChatMessage> out = new ArrayList<>();
    for (int i = 0; i < s.newestFirst().size() && out.size() < limit; i++) {
      if (s.seqs().get(i) <= upTo) {
        ChatMessage m = s.newestFirst().get(i);
        out.add(changed.getOrDefault(m.id(), m));
      }
    }
    Collections.reverse(out);
    return out;
  }

  RoomEntry decode(byte[] bytes, int offset, String streamId) {
    try {
      return Entries.withId(ServerEventCodec.decodeEntry(bytes, offset, bytes.length - offset), streamId);
    } catch (RuntimeException e) {
      LOG.error("Skipped a room entry that could not be decoded (written by a newer Parley?)", e);
      return null;
    }
  }

  /** A callback that throws is a bug, which must not pass silently inside a stage nobody reads. */
  private static <T> BiConsumer<T, Throwable> guard(BiConsumer<T, Throwable> action) {
    return (v, e) -> {
      try {
        action.accept(v, e);
      } catch (RuntimeException bug) {
        LOG.error("Room delivery failed", bug);
      }
    };
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static int indexOf(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == ':') {
        return i;
      }
    }
    return -1;
  }
}
