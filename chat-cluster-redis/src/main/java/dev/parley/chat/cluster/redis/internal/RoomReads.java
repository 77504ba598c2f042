package dev.parley.chat.cluster.redis.internal;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.cluster.MessageIds;
import dev.parley.chat.cluster.RoomEntry;
import dev.parley.chat.cluster.ServerEventCodec;
import dev.parley.chat.spi.ServerEvent;
import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis commands {@link RoomFeeds} follows rooms with, batched: the SUBSCRIBE of rooms' channels
 * and the snapshot.lua reads of their positions and newest messages, and the decoding of what they
 * return. Split from {@link RoomFeeds}, which keeps the per-room delivery state, because batching
 * needs none of it.
 *
 * <p>Threading: engine thread only ({@code exec}), like {@link RoomFeeds}; the returned stages
 * complete on Lettuce's threads. Lifecycle: created with its {@link RoomFeeds}, holds nothing to
 * close.
 */
final class RoomReads {
  /** RoomFeeds' logger, which docs/operations.md lists for the decoding error. */
  private static final Logger LOG = LoggerFactory.getLogger(RoomFeeds.class);
  /** At most this many channels in one SUBSCRIBE. */
  private static final int SUBSCRIBE_BATCH = 1000;
  /** At most this many rooms in one snapshot.lua call, which blocks Redis while it runs. */
  private static final int SNAPSHOT_BATCH = 100;

  private final RedisOps redis;
  private final Keys keys;
  private final ScheduledExecutorService exec;
  /** Channels waiting for the next SUBSCRIBE, each with what its follows wait on; engine thread. */
  private final Map<String, CompletableFuture<Void>> toSubscribe = new LinkedHashMap<>();
  /** Snapshots waiting for the next snapshot.lua call; engine thread. */
  private final List<SnapshotRead> toRead = new ArrayList<>();

  RoomReads(RedisOps redis, Keys keys, ScheduledExecutorService exec) {
    this.redis = redis;
    this.keys = keys;
    this.exec = exec;
  }

  /** A snapshot asked for, waiting for the next snapshot.lua call. */
  private record SnapshotRead(String room, int recent, CompletableFuture<Snap> out) {}

  /** A room's position in Redis and its newest messages, as snapshot.lua returned them. */
  record Snap(long seq, String epoch, String last, String head, List<Long> seqs, List<ChatMessage> newestFirst) {}

  /**
   * Subscribes a channel in the next SUBSCRIBE, which takes every channel asked for until it is sent:
   * a burst of follows (many rooms joined at once, or every client of a restarted node coming back)
   * costs one command per {@value #SUBSCRIBE_BATCH} rooms, not one each. One per room made hundreds
   * of commands wait behind each other on the pub/sub connection, and a loaded machine answered the
   * last of them only after the command timeout: their joins failed as if Redis were unavailable.
   * Redis subscribes all the channels of one SUBSCRIBE before it confirms the first, so each room's
   * snapshot, read once the command is answered, still follows its subscription. Engine thread.
   */
  CompletableFuture<Void> subscribeSoon(String channel) {
    if (toSubscribe.isEmpty()) {
      exec.execute(this::subscribeQueued);
    }
    // A room unfollowed and followed again before its channel was sent waits for the same command.
    return toSubscribe.computeIfAbsent(channel, c -> new CompletableFuture<>());
  }

  /** Sends the channels queued by {@link #subscribeSoon}. Engine thread. */
  private void subscribeQueued() {
    while (!toSubscribe.isEmpty()) {
      List<String> channels = new ArrayList<>(Math.min(toSubscribe.size(), SUBSCRIBE_BATCH));
      List<CompletableFuture<Void>> waiting = new ArrayList<>(channels.size());
      var queued = toSubscribe.entrySet().iterator();
      while (queued.hasNext() && channels.size() < SUBSCRIBE_BATCH) {
        var next = queued.next();
        channels.add(next.getKey());
        waiting.add(next.getValue());
        queued.remove();
      }
      RedisOps.mapped(redis.pubSub().async().subscribe(channels.toArray(String[]::new))).whenComplete((v, e) -> {
        for (CompletableFuture<Void> w : waiting) {
          if (e == null) {
            w.complete(null);
          } else {
            w.completeExceptionally(e);
          }
        }
      });
    }
  }

  /**
   * Reads a room's snapshot in the next snapshot.lua call, which reads every room asked for until it
   * is sent (at most {@value #SNAPSHOT_BATCH}): the rooms of one SUBSCRIBE are answered at once and
   * read together. Engine thread.
   */
  CompletionStage<Snap> readSnapshot(String room, int recent) {
    if (toRead.isEmpty()) {
      exec.execute(this::readQueued);
    }
    SnapshotRead read = new SnapshotRead(room, recent, new CompletableFuture<>());
    toRead.add(read);
    return read.out();
  }

  /** Sends the reads queued by {@link #readSnapshot}. Engine thread. */
  private void readQueued() {
    for (int from = 0; from < toRead.size(); from += SNAPSHOT_BATCH) {
      List<SnapshotRead> batch = List.copyOf(toRead.subList(from, Math.min(toRead.size(), from + SNAPSHOT_BATCH)));
      String[] roomKeys = new String[2 * batch.size()];
      byte[][] recent = new byte[batch.size()][];
      for (int i = 0; i < batch.size(); i++) {
        roomKeys[2 * i] = keys.roomMeta(batch.get(i).room());
        roomKeys[2 * i + 1] = keys.roomLog(batch.get(i).room());
        recent[i] = RedisOps.bytes(batch.get(i).recent());
      }
      redis.<List<Object>>eval(Script.SNAPSHOT, ScriptOutputType.MULTI, roomKeys, recent).whenComplete((reply, e) -> {
        for (int i = 0; i < batch.size(); i++) {
          CompletableFuture<Snap> out = batch.get(i).out();
          if (e != null) {
            out.completeExceptionally(e);
            continue;
          }
          try {
            @SuppressWarnings("unchecked")
            List<Object> room = (List<Object>) reply.get(i);
            out.complete(snap(room));
          } catch (RuntimeException bug) {
            out.completeExceptionally(bug);
          }
        }
      });
    }
    toRead.clear();
  }

  private Snap snap(List<Object> reply) {
    String last = emptyToNull(RedisOps.string(reply.get(2)));
    List<Long> seqs = new ArrayList<>();
    List<ChatMessage> messages = new ArrayList<>();
    for (int i = 4; i + 2 < reply.size(); i += 3) {
      String streamId = RedisOps.string(reply.get(i));
      RoomEntry entry = decode((byte[]) reply.get(i + 2), 0, streamId);
      if (entry != null && entry.event() instanceof ServerEvent.Message m) {
        seqs.add((Long) reply.get(i + 1));
        messages.add(m.message());
      }
    }
    return new Snap((Long) reply.get(0), emptyToNull(RedisOps.string(reply.get(1))),
        last == null ? null : MessageIds.format(Entries.id(last)),
        RedisOps.string(reply.get(3)), seqs, messages);
  }

  static RoomEntry decode(byte[] bytes, int offset, String streamId) {
    try {
      return Entries.withId(ServerEventCodec.decodeEntry(bytes, offset, bytes.length - offset), streamId);
    } catch (RuntimeException e) {
      LOG.error("Skipped a room entry that could not be decoded (written by a newer Parley?)", e);
      return null;
    }
  }

  static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
