package dev.parley.chat.cluster.redis.internal;

import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The Redis calls that following a room makes, batched: the SUBSCRIBE of its channel and the read
 * of its snapshot (snapshot.lua). A burst of follows (many rooms joined at once, or every client of
 * a restarted node coming back) costs one SUBSCRIBE per {@value #SUBSCRIBE_BATCH} rooms and one
 * snapshot.lua call per {@value #SNAPSHOT_BATCH}, not one of each per room. One per room made
 * hundreds of commands wait behind each other, and a loaded machine answered the last of them only
 * after the command timeout: their joins failed as if Redis were unavailable. Each call takes what
 * was asked for until it is sent, so a follow that comes alone is sent alone, at once.
 *
 * <p>Threading: confined to the engine's thread, {@code exec}, like {@link RoomFeeds}; the stages it
 * returns complete on Lettuce's threads.
 */
final class FollowBatches {
  /** At most this many channels in one SUBSCRIBE. */
  static final int SUBSCRIBE_BATCH = 1000;
  /** At most this many rooms in one snapshot.lua call, which blocks Redis while it runs. */
  static final int SNAPSHOT_BATCH = 100;

  private final RedisOps redis;
  private final Keys keys;
  private final Executor exec;
  /** Channels waiting for the next SUBSCRIBE, each with what its follows wait on. */
  private final Map<String, CompletableFuture<Void>> toSubscribe = new LinkedHashMap<>();
  /** Snapshots waiting for the next snapshot.lua call. */
  private final List<SnapshotRead> toRead = new ArrayList<>();

  /** A snapshot asked for, waiting for the next snapshot.lua call. */
  private record SnapshotRead(String room, int recent, CompletableFuture<List<Object>> out) {}

  FollowBatches(RedisOps redis, Keys keys, Executor exec) {
    this.redis = redis;
    this.keys = keys;
    this.exec = exec;
  }

  /**
   * Subscribes a channel in the next SUBSCRIBE. Redis subscribes every channel of a SUBSCRIBE before
   * it confirms the first, so a snapshot read once the returned stage completes still follows the
   * subscription.
   *
   * @return completes when Redis confirmed; exceptionally with ClusterUnavailableException
   */
  CompletableFuture<Void> subscribe(String channel) {
    if (toSubscribe.isEmpty()) {
      exec.execute(this::subscribeQueued);
    }
    // A room unfollowed and followed again before its channel was sent waits for the same command.
    return toSubscribe.computeIfAbsent(channel, c -> new CompletableFuture<>());
  }

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
      CompletionStage<Void> sent;
      try {
        sent = RedisOps.mapped(redis.pubSub().async().subscribe(channels.toArray(String[]::new)));
      } catch (RuntimeException e) {
        // Taken off the queue: each follow must hear of it, or it would wait for good.
        sent = CompletableFuture.failedFuture(RedisOps.unavailable(e));
      }
      sent.whenComplete((v, e) -> waiting.forEach(w -> complete(w, null, e)));
    }
  }

  /**
   * Reads a room's snapshot in the next snapshot.lua call (each room is read atomically).
   *
   * @return snapshot.lua's list for this room; exceptionally with ClusterUnavailableException
   */
  CompletionStage<List<Object>> snapshot(String room, int recent) {
    if (toRead.isEmpty()) {
      exec.execute(this::readQueued);
    }
    SnapshotRead read = new SnapshotRead(room, recent, new CompletableFuture<>());
    toRead.add(read);
    return read.out();
  }

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
      CompletionStage<List<Object>> read;
      try {
        read = redis.eval(Script.SNAPSHOT, ScriptOutputType.MULTI, roomKeys, recent);
      } catch (RuntimeException e) {
        read = CompletableFuture.failedFuture(RedisOps.unavailable(e)); // as above: every read hears of it
      }
      read.whenComplete((reply, e) -> {
        for (int i = 0; i < batch.size(); i++) {
          @SuppressWarnings("unchecked")
          List<Object> room = e == null ? (List<Object>) reply.get(i) : null;
          complete(batch.get(i).out(), room, e);
        }
      });
    }
    toRead.clear();
  }

  private static <T> void complete(CompletableFuture<T> out, T value, Throwable failure) {
    if (failure == null) {
      out.complete(value);
    } else {
      out.completeExceptionally(failure);
    }
  }
}
