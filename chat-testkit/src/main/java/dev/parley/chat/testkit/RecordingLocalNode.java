package dev.parley.chat.testkit;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.cluster.LocalNode;
import dev.parley.chat.cluster.RoomEntry;
import dev.parley.chat.cluster.RoomSnapshot;
import dev.parley.chat.spi.ServerEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A {@link LocalNode} that records what a {@link dev.parley.chat.cluster.ClusterEngine} gives it, for
 * tests of engines: the entries and resets of each room, the events queued to each of its
 * connections, the connections closed, the payloads relayed to it, and whether it was evicted. A test says which connections the
 * node holds with {@link #connect}; {@link #toUser}, {@link #toConnection} and {@link #disconnect}
 * act on those, like a server's node.
 *
 * <p>The {@code await...} methods wait, up to a deadline, for what the engine delivers on its own
 * threads; they fail with an {@link AssertionError} saying what was missing.
 *
 * <p>Thread-safe: the engine calls it from its threads while the test reads it from its own. Every
 * read returns a copy.
 */
public final class RecordingLocalNode implements LocalNode {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<String, List<RoomEntry>> entries = new HashMap<>();
  private final Map<String, List<RoomSnapshot>> resets = new HashMap<>();
  private final Map<String, String> connections = new LinkedHashMap<>();
  private final Map<String, List<ServerEvent>> received = new HashMap<>();
  private final Map<String, String> closed = new HashMap<>();
  private final Set<String> roomsInCall = ConcurrentHashMap.newKeySet();
  private final AtomicInteger overlappingRoomCalls = new AtomicInteger();
  private final List<byte[]> relayed = new ArrayList<>();
  private boolean evicted;

  /** A node with no connections and nothing recorded. */
  public RecordingLocalNode() {}

  /**
   * Makes a connection of a user one of this node's, as if a client had connected here.
   *
   * @param user the user
   * @param connectionId the connection
   */
  public void connect(String user, String connectionId) {
    update(() -> connections.put(connectionId, user));
  }

  // ------------------------------------------------------------------ LocalNode

  /** Records the entry; it counts no connections, as none of this node's are in rooms. */
  @Override
  public int onRoomEntry(String room, RoomEntry entry) {
    enterRoomCall(room);
    try {
      update(() -> entries.computeIfAbsent(room, r -> new ArrayList<>()).add(entry));
      return 0;
    } finally {
      roomsInCall.remove(room);
    }
  }

  @Override
  public void onRoomReset(String room, RoomSnapshot snapshot) {
    enterRoomCall(room);
    try {
      update(() -> resets.computeIfAbsent(room, r -> new ArrayList<>()).add(snapshot));
    } finally {
      roomsInCall.remove(room);
    }
  }

  private void enterRoomCall(String room) {
    // LocalNode promises the server one call at a time per room; a second one running means the
    // engine broke that promise.
    if (!roomsInCall.add(room)) {
      overlappingRoomCalls.incrementAndGet();
    }
  }

  @Override
  public int toUser(String user, ServerEvent event) {
    return update(() -> {
      int queued = 0;
      for (Map.Entry<String, String> c : connections.entrySet()) {
        if (c.getValue().equals(user)) {
          received.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(event);
          queued++;
        }
      }
      return queued;
    });
  }

  @Override
  public boolean toConnection(String connectionId, ServerEvent event) {
    return update(() -> {
      if (!connections.containsKey(connectionId)) {
        return false;
      }
      received.computeIfAbsent(connectionId, k -> new ArrayList<>()).add(event);
      return true;
    });
  }

  @Override
  public int disconnect(String user, String reason) {
    return update(() -> {
      List<String> gone = new ArrayList<>();
      connections.forEach((id, u) -> {
        if (u.equals(user)) {
          gone.add(id);
        }
      });
      for (String id : gone) {
        connections.remove(id);
        closed.put(id, reason);
      }
      return gone.size();
    });
  }

  @Override
  public void onRelay(byte[] payload) {
    update(() -> relayed.add(payload.clone()));
  }

  @Override
  public void onEvicted() {
    update(() -> evicted = true);
  }

  // ------------------------------------------------------------------ what was recorded

  /** The entries of a room so far, in the order they came. */
  public List<RoomEntry> entries(String room) {
    return read(() -> List.copyOf(entries.getOrDefault(room, List.of())));
  }

  /** The messages among a room's entries so far, in the order they came. */
  public List<ChatMessage> messages(String room) {
    return messagesOf(entries(room));
  }

  /** The resets of a room so far. */
  public List<RoomSnapshot> resets(String room) {
    return read(() -> List.copyOf(resets.getOrDefault(room, List.of())));
  }

  /** The events queued to a connection of this node so far, by {@link #toUser} or {@link #toConnection}. */
  public List<ServerEvent> received(String connectionId) {
    return read(() -> List.copyOf(received.getOrDefault(connectionId, List.of())));
  }

  /**
   * Why a connection was closed by {@link #disconnect}.
   *
   * @return the reason, or {@code null} if it was not closed
   */
  public String closeReason(String connectionId) {
    return read(() -> closed.get(connectionId));
  }

  /** The payloads relayed to this node so far, in the order they came; copies. */
  public List<byte[]> relayed() {
    return read(() -> relayed.stream().map(byte[]::clone).toList());
  }

  /** Whether the engine evicted this node. */
  public boolean evicted() {
    return read(() -> evicted);
  }

  /** How many calls for a room came while another call for the same room was still running. */
  public int overlappingRoomCalls() {
    return overlappingRoomCalls.get();
  }

  // ------------------------------------------------------------------ waiting

  /**
   * Waits until a room has at least {@code count} entries.
   *
   * @return the room's entries then, in order
   * @throws AssertionError if fewer came within the timeout
   */
  public List<RoomEntry> awaitEntries(String room, int count, Duration timeout) {
    return await(timeout, "at least " + count + " entries of room " + room, () -> {
      List<RoomEntry> now = entries.getOrDefault(room, List.of());
      return now.size() >= count ? List.copyOf(now) : null;
    });
  }

  /**
   * Waits until a room's entries hold a message with the given text.
   *
   * @return the room's messages then, in order
   * @throws AssertionError if none came within the timeout
   */
  public List<ChatMessage> awaitMessage(String room, String text, Duration timeout) {
    return await(timeout, "a message '" + text + "' in room " + room, () -> {
      List<ChatMessage> now = messagesOf(entries.getOrDefault(room, List.of()));
      return now.stream().anyMatch(m -> m.text().equals(text)) ? now : null;
    });
  }

  /**
   * Waits until a connection of this node has received at least {@code count} events.
   *
   * @return its events then, in order
   * @throws AssertionError if fewer came within the timeout
   */
  public List<ServerEvent> awaitReceived(String connectionId, int count, Duration timeout) {
    return await(timeout, count + " events on connection " + connectionId, () -> {
      List<ServerEvent> now = received.getOrDefault(connectionId, List.of());
      return now.size() >= count ? List.copyOf(now) : null;
    });
  }

  /**
   * Waits until at least {@code count} payloads were relayed to this node.
   *
   * @return the payloads then, in order; copies
   * @throws AssertionError if fewer came within the timeout
   */
  public List<byte[]> awaitRelayed(int count, Duration timeout) {
    return await(timeout, count + " relayed payloads", () ->
        relayed.size() >= count ? relayed.stream().map(byte[]::clone).toList() : null);
  }

  /**
   * Waits until {@code check}, run under this node's lock whenever something was recorded, gives a
   * value other than {@code null}.
   *
   * @param timeout how long to wait at most
   * @param what what is awaited, for the failure message
   * @param check reads this node's state; returns {@code null} while the condition does not hold
   * @return the first value other than {@code null}
   * @throws AssertionError if the condition did not hold within the timeout
   */
  private <T> T await(Duration timeout, String what, Supplier<T> check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      for (;;) {
        T value = check.get();
        if (value != null) {
          return value;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("waited " + timeout + " for " + what);
        }
        changed.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + what, e);
    } finally {
      lock.unlock();
    }
  }

  /** The messages among some entries, in order. */
  static List<ChatMessage> messagesOf(List<RoomEntry> roomEntries) {
    List<ChatMessage> out = new ArrayList<>();
    for (RoomEntry e : roomEntries) {
      if (e.event() instanceof ServerEvent.Message m) {
        out.add(m.message());
      }
    }
    return out;
  }

  /** Runs a change under the lock and wakes the waiters. */
  private <T> T update(Supplier<T> change) {
    lock.lock();
    try {
      T result = change.get();
      changed.signalAll();
      return result;
    } finally {
      lock.unlock();
    }
  }

  private <T> T read(Supplier<T> reader) {
    lock.lock();
    try {
      return reader.get();
    } finally {
      lock.unlock();
    }
  }
}
