package dev.parley.chat.cluster.redis;

import java.time.Instant;

import dev.parley.chat.MessageKind;

import dev.parley.chat.ChatMessage;

import dev.parley.chat.cluster.LocalNode;
import dev.parley.chat.cluster.RoomEntry;
import dev.parley.chat.cluster.RoomSnapshot;
import dev.parley.chat.spi.ServerEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** A LocalNode that records what the engine gives it; it can be frozen to stand for a stuck node. */
public final class RecordingNode implements LocalNode {
  public final Map<String, List<RoomEntry>> entries = new ConcurrentHashMap<>();
  public final Map<String, List<RoomSnapshot>> resets = new ConcurrentHashMap<>();
  public final List<String> toUser = new CopyOnWriteArrayList<>();
  public final List<String> toConnection = new CopyOnWriteArrayList<>();
  public final List<String> disconnected = new CopyOnWriteArrayList<>();
  public final AtomicInteger evictions = new AtomicInteger();
  /** How often the engine said relays may have been missed. */
  public final AtomicInteger relaysMissed = new AtomicInteger();
  public final List<byte[]> relayed = new CopyOnWriteArrayList<>();
  /** "room user" for each onDeparted. */
  public final List<String> departed = new CopyOnWriteArrayList<>();
  /** Thread that called, to check that deliveries never come on Lettuce's threads. */
  public final List<String> threads = new CopyOnWriteArrayList<>();
  /** Connections and users this node "holds", for routing. */
  public final List<String> connections = new CopyOnWriteArrayList<>();
  public final List<String> users = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch freeze;
  /** What {@link #metrics()} gives the engine. */
  public volatile dev.parley.chat.monitoring.ChatMetrics metrics = dev.parley.chat.monitoring.ChatMetrics.NONE;

  @Override
  public dev.parley.chat.monitoring.ChatMetrics metrics() {
    return metrics;
  }

  @Override
  public void onRelaysMissed() {
    relaysMissed.incrementAndGet();
  }

  public List<RoomEntry> entries(String room) {
    return entries.computeIfAbsent(room, r -> new CopyOnWriteArrayList<>());
  }

  public List<RoomSnapshot> resets(String room) {
    return resets.computeIfAbsent(room, r -> new CopyOnWriteArrayList<>());
  }

  /** The next call from the engine blocks the engine's thread until {@link #thaw()}. */
  public void freeze() {
    freeze = new CountDownLatch(1);
  }

  public void thaw() {
    CountDownLatch f = freeze;
    freeze = null;
    if (f != null) {
      f.countDown();
    }
  }

  /** Blocks the calling (engine) thread while frozen; only tests freeze a node. */
  public void maybeFreeze() {
    CountDownLatch f = freeze;
    if (f != null) {
      try {
        f.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public int onRoomEntry(String room, RoomEntry entry) {
    threads.add(Thread.currentThread().getName());
    maybeFreeze();
    entries(room).add(entry);
    return 1;
  }

  @Override
  public void onRoomReset(String room, RoomSnapshot snapshot) {
    resets(room).add(snapshot);
  }

  /** When set, {@link #departure} adds the live notice, as a server sending notices live only does. */
  public volatile boolean liveDepartureNotices;

  @Override
  public ServerEvent.Presence departure(String room, String user) {
    if (!liveDepartureNotices) {
      return LocalNode.super.departure(room, user);
    }
    ChatMessage notice = ChatMessage.builder("0000000000000", Instant.EPOCH, MessageKind.NOTICE, user + " has left")
        .room(room).build();
    return new ServerEvent.Presence(room, user, false, notice);
  }

  @Override
  public void onDeparted(String room, String user) {
    departed.add(room + " " + user);
  }

  @Override
  public int toUser(String user, ServerEvent event) {
    toUser.add(user + " " + event);
    return users.contains(user) ? 1 : 0;
  }

  @Override
  public boolean toConnection(String connectionId, ServerEvent event) {
    if (connections.contains(connectionId)) {
      toConnection.add(connectionId + " " + event);
      return true;
    }
    return false;
  }

  @Override
  public int disconnect(String user, String reason) {
    disconnected.add(user + " " + reason);
    return users.contains(user) ? 1 : 0;
  }

  @Override
  public void onRelay(byte[] payload) {
    relayed.add(payload);
  }

  @Override
  public void onEvicted() {
    evictions.incrementAndGet();
  }

  public static List<String> texts(List<RoomEntry> entries) {
    List<String> out = new ArrayList<>();
    for (RoomEntry e : entries) {
      if (e.event() instanceof ServerEvent.Message m) {
        out.add(m.message().text());
      }
    }
    return out;
  }

  /** Waits for a condition, failing after the deadline. */
  public static void await(Duration deadline, BooleanSupplier condition, String what) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(10); // polling a condition with a deadline
    }
  }
}
