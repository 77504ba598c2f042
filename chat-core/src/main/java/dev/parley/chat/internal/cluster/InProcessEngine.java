package dev.parley.chat.internal.cluster;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.cluster.Exclusion;
import dev.parley.chat.cluster.LocalNode;
import dev.parley.chat.cluster.MessageIds;
import dev.parley.chat.cluster.RoomEntry;
import dev.parley.chat.cluster.RoomSnapshot;
import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.internal.MessageLog;
import dev.parley.chat.internal.StoreReads;
import dev.parley.chat.spi.ServerEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The engine of a single node: this process is the whole cluster. Each room's order is its lock;
 * entries reach {@link LocalNode#onRoomEntry} synchronously, under that lock, so a room's order is
 * the order of its deliveries. Ids come from one counter for the node, so they increase across rooms
 * too. The log of a room is its {@code logSize} newest messages, loaded from the history store when
 * the room is first used; recovery beyond it reads the store (never under a room's lock).
 *
 * <p>Every method returns a completed stage. Methods that may read the store (the first use of a
 * room, and {@link #after} beyond the log) block for that read. Thread-safe.
 */
public final class InProcessEngine implements ClusterEngine {
  /** Store reads one recovery may make before it gives up rather than read under the room's lock. */
  private static final int MAX_RECOVERY_READS = 3;
  /** Recovery states kept at most; past it the oldest go first. */
  private static final int MAX_KEPT_SESSIONS = 100_000;

  private final HistoryStore store;
  private final Clock clock;
  private final int maxRooms;
  private final String nodeId = UUID.randomUUID().toString();
  /** The newest id made or loaded: every id made here is greater. */
  private final AtomicLong lastId = new AtomicLong();
  private final ConcurrentHashMap<String, EngineRoom> rooms = new ConcurrentHashMap<>();
  /** Username to the connections that claimed it, each marked shared or not; replaced, never mutated. */
  private final ConcurrentHashMap<String, Map<String, Boolean>> claims = new ConcurrentHashMap<>();
  private final KeptSessions sessions;
  private volatile LocalNode node;
  private int logSize;
  /** Messages older than this were made by an earlier run. */
  private long startedMillis;

  /**
   * @param store the history store the log reads through to
   * @param clock the time of message ids and of kept sessions' expiry
   * @param maxRooms rooms kept at most: past it, the least recently active room that nobody is in
   *     and this node does not follow is dropped (its messages stay in the store)
   */
  public InProcessEngine(HistoryStore store, Clock clock, int maxRooms) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (maxRooms < 1) {
      throw new IllegalArgumentException("maxRooms must be at least 1");
    }
    this.maxRooms = maxRooms;
    this.sessions = new KeptSessions(clock, MAX_KEPT_SESSIONS);
  }

  @Override
  public CompletionStage<Void> start(LocalNode node, int logSize) {
    if (this.node != null) {
      throw new IllegalStateException("already started");
    }
    if (logSize < 0) {
      throw new IllegalArgumentException("logSize must not be negative");
    }
    this.logSize = logSize;
    this.startedMillis = clock.millis();
    this.node = Objects.requireNonNull(node, "node");
    return done(null);
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  // ------------------------------------------------------------------ order and log

  @Override
  public CompletionStage<ServerEvent> publish(String room, ServerEvent event, Exclusion except) {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(except, "except");
    return call(() -> inRoom(room, r -> {
      long now = clock.millis();
      ServerEvent ordered = event;
      if (event instanceof ServerEvent.Message m) {
        long id = lastId.updateAndGet(last -> MessageIds.next(last, now));
        ChatMessage message = m.message().toBuilder().id(MessageIds.format(id)).time(MessageIds.time(id)).build();
        ordered = new ServerEvent.Message(message);
        r.append(message, now);
      } else if (event instanceof ServerEvent.MessageChanged c) {
        ChatMessage version = r.change(c.message(), () -> MessageIds.format(lastId.updateAndGet(last -> MessageIds.next(last, now))), now);
        ordered = new ServerEvent.MessageChanged(version);
      } else if (event instanceof ServerEvent.HistoryCleared h) {
        // The log's newest id was seeded from the store with the room: it covers earlier runs too.
        ordered = new ServerEvent.HistoryCleared(h.room(), h.by(), r.log.lastId());
        r.clear(now);
      } else if (event instanceof ServerEvent.Presence p && p.notice() != null) {
        // A live notice takes its place in the order as a message does, but the log does not keep it.
        long id = lastId.updateAndGet(last -> MessageIds.next(last, now));
        ChatMessage notice = p.notice().toBuilder().id(MessageIds.format(id)).time(MessageIds.time(id)).build();
        ordered = new ServerEvent.Presence(p.room(), p.user(), p.joined(), notice);
      } else if (!(event instanceof ServerEvent.Presence)) {
        throw new IllegalArgumentException("Not a room entry: " + event.getClass().getSimpleName());
      }
      if (r.followers > 0) {
        node.onRoomEntry(room, new RoomEntry(ordered, except));
      }
      dropIfDisposable(r);
      return ordered;
    }));
  }

  @Override
  public CompletionStage<RoomSnapshot> follow(String room, int recent) {
    return call(() -> inRoom(room, r -> {
      r.followers++;
      return new RoomSnapshot(r.log.recent(recent), r.log.lastId());
    }));
  }

  @Override
  public void unfollow(String room) {
    EngineRoom r = rooms.get(room);
    if (r == null) {
      return;
    }
    synchronized (r) {
      if (!r.removed && r.followers > 0) {
        r.followers--;
        dropIfDisposable(r);
      }
    }
  }

  @Override
  public CompletionStage<List<ChatMessage>> recent(String room, int limit) {
    EngineRoom r = rooms.get(room);
    if (r == null) {
      return done(List.of());
    }
    synchronized (r) {
      return done(r.removed ? List.of() : r.log.recent(limit));
    }
  }

  @Override
  public CompletionStage<Optional<List<ChatMessage>>> after(String room, String afterId, int limit) {
    return call(() -> missed(room, afterId, limit));
  }

  /** Everything after {@code afterId}, from the log and, past it, the store; empty unless vouched for. */
  private Optional<List<ChatMessage>> missed(String roomName, String afterId, int limit) {
    long since = MessageIds.parse(afterId);
    // What an earlier run kept in memory is gone, and nothing can tell how much of it there was.
    if (since < 0 || (MessageIds.time(since).toEpochMilli() < startedMillis && !store.persistent())) {
      return Optional.empty();
    }
    List<ChatMessage> fetched = new ArrayList<>(); // read from the store, outside the room's lock
    String known = afterId; // the newest id the fetched messages cover
    int reads = 0;
    EngineRoom readFor = null;
    int clearsAtRead = 0;
    for (;;) {
      EngineRoom room = roomFor(roomName);
      int clears;
      synchronized (room) {
        if (room.removed) {
          continue;
        }
        // An id past the newest this node made or loaded (the room's newest was loaded with the
        // room) names no message it knows: nothing can vouch that the client missed nothing. An id
        // of another room is fine (Socket.IO's one offset for all rooms is one): ids are global.
        if (since > lastId.get()) {
          return Optional.empty();
        }
        clears = room.clears;
        if (readFor != null && (room != readFor || clears != clearsAtRead)) {
          // Cleared since the store was read (or dropped and loaded again, which a clear of a room
          // nobody is in does): what the read found may be gone, and so all before it.
          fetched.clear();
          known = afterId;
          readFor = null;
        }
        if (fetched.size() > limit) {
          return Optional.empty();
        }
        // The log covers everything after `known` unless more arrived than it holds; then the store
        // is read again, never under the lock, which a slow store would hold up every sender with.
        List<ChatMessage> recent = room.log.after(known);
        if (recent == null && room == readFor && room.log.nothingAfter(known)) {
          // Nothing entered the room since the read (every append sets lastId): it was complete.
          recent = List.of();
        }
        if (recent != null) {
          List<ChatMessage> missed = new ArrayList<>(fetched);
          missed.addAll(recent);
          // A message the store gave may have changed since: the log's later version replaces it.
          missed = MessageLog.byPlace(missed);
          return missed.size() > limit ? Optional.empty() : Optional.of(List.copyOf(missed));
        }
        if (reads >= MAX_RECOVERY_READS) {
          return Optional.empty();
        }
      }
      String from = known;
      List<ChatMessage> more = StoreReads.read(() -> store.after(roomName, from, limit + 1));
      reads++;
      readFor = room;
      clearsAtRead = clears;
      fetched.addAll(more);
      if (!more.isEmpty()) {
        known = MessageLog.place(more.get(more.size() - 1));
      }
    }
  }

  @Override
  public CompletionStage<String> nextId() {
    long now = clock.millis();
    return done(MessageIds.format(lastId.updateAndGet(last -> MessageIds.next(last, now))));
  }

  // ------------------------------------------------------------------ names and presence

  @Override
  public CompletionStage<Boolean> claim(String user, String connectionId, boolean shared) {
    return takeOver(user, connectionId, shared, null);
  }

  @Override
  public CompletionStage<Boolean> takeOver(String user, String connectionId, boolean shared, String earlierConnectionId) {
    boolean[] claimed = {false};
    claims.compute(user, (u, current) -> {
      Map<String, Boolean> holders = current;
      if (holders != null && earlierConnectionId != null && holders.containsKey(earlierConnectionId)) {
        Map<String, Boolean> rest = new java.util.HashMap<>(holders);
        rest.remove(earlierConnectionId);
        holders = rest.isEmpty() ? null : Map.copyOf(rest);
      }
      if (holders != null && holders.containsKey(connectionId)) {
        claimed[0] = true;
        return holders;
      }
      boolean free = holders == null
          || (shared && holders.values().stream().allMatch(Boolean::booleanValue));
      if (!free) {
        return current; // the earlier connection keeps its claim too: nothing passed
      }
      claimed[0] = true;
      if (holders == null) {
        return Map.of(connectionId, shared); // a user's first connection, as most are
      }
      Map<String, Boolean> next = new java.util.HashMap<>(holders);
      next.put(connectionId, shared);
      return Map.copyOf(next);
    });
    return done(claimed[0]);
  }

  @Override
  public CompletionStage<Void> release(String user, String connectionId) {
    claims.computeIfPresent(user, (u, holders) -> {
      if (!holders.containsKey(connectionId)) {
        return holders;
      }
      Map<String, Boolean> next = new java.util.HashMap<>(holders);
      next.remove(connectionId);
      return next.isEmpty() ? null : Map.copyOf(next);
    });
    return done(null);
  }

  @Override
  public CompletionStage<Boolean> enter(String room, String user, String connectionId) {
    return call(() -> inRoom(room, r -> {
      r.lastActivityMillis = clock.millis();
      return r.enter(user, connectionId);
    }));
  }

  @Override
  public CompletionStage<Boolean> exit(String room, String user, String connectionId) {
    EngineRoom r = rooms.get(room);
    if (r == null) {
      return done(false);
    }
    synchronized (r) {
      if (r.removed) {
        return done(false);
      }
      boolean last = r.exit(user, connectionId);
      dropIfDisposable(r);
      return done(last);
    }
  }

  @Override
  public CompletionStage<List<String>> members(String room) {
    EngineRoom r = rooms.get(room);
    if (r == null) {
      return done(List.of());
    }
    synchronized (r) {
      return done(r.removed ? List.of() : r.memberNames());
    }
  }

  @Override
  public CompletionStage<Set<String>> rooms() {
    return done(Collections.unmodifiableSet(new TreeSet<>(rooms.keySet())));
  }

  @Override
  public CompletionStage<Set<String>> onlineUsers() {
    return done(Collections.unmodifiableSet(new TreeSet<>(claims.keySet())));
  }

  @Override
  public CompletionStage<Boolean> isOnline(String user) {
    return done(claims.containsKey(user));
  }

  // ------------------------------------------------------------------ routing

  @Override
  public CompletionStage<Integer> toUser(String user, ServerEvent event) {
    return done(node.toUser(user, event));
  }

  @Override
  public CompletionStage<Boolean> toConnection(String connectionId, ServerEvent event) {
    return done(node.toConnection(connectionId, event));
  }

  @Override
  public CompletionStage<Integer> disconnect(String user, String reason) {
    return done(node.disconnect(user, reason));
  }

  // ------------------------------------------------------------------ transport recovery state

  @Override
  public CompletionStage<Void> keepSession(String sessionId, byte[] state, Duration ttl) {
    sessions.keep(sessionId, state, ttl);
    return done(null);
  }

  @Override
  public CompletionStage<Optional<byte[]>> takeSession(String sessionId) {
    return done(sessions.take(sessionId));
  }

  /** There is no other node. */
  @Override
  public CompletionStage<Void> relay(byte[] payload) {
    return done(null);
  }

  /** There is no other node to hand it to. */
  @Override
  public CompletionStage<Integer> relayCounted(byte[] payload) {
    return done(0);
  }

  @Override
  public void close() {
    rooms.clear();
    claims.clear();
  }

  // ------------------------------------------------------------------ rooms

  /** Does something to a room under its lock, creating the room if needed. */
  private <T> T inRoom(String name, Function<EngineRoom, T> work) {
    for (;;) {
      EngineRoom r = roomFor(name);
      synchronized (r) {
        if (!r.removed) {
          return work.apply(r);
        }
      }
    }
  }

  /**
   * The room, created if needed from the store's newest messages, read before the room is visible:
   * until then nothing can be appended to its order.
   */
  private EngineRoom roomFor(String name) {
    EngineRoom room = rooms.get(name);
    if (room != null) {
      return room;
    }
    // At least the newest one, so that the room knows its newest id even when it keeps no log.
    List<ChatMessage> stored = StoreReads.read(() -> store.before(name, null, Math.max(1, logSize)));
    if (!stored.isEmpty()) {
      // An earlier run's clock may have been ahead of this one's: later ids must still sort after.
      long newest = MessageIds.parse(stored.get(stored.size() - 1).id());
      lastId.accumulateAndGet(newest, Math::max);
    }
    EngineRoom fresh = new EngineRoom(name, logSize, clock.millis(), stored);
    room = rooms.putIfAbsent(name, fresh);
    if (room != null) {
      return room;
    }
    if (rooms.size() > maxRooms) {
      evictOneIdleRoom(fresh);
    }
    return fresh;
  }

  /** Drops the least recently active room that nobody is in, other than the one just made. */
  private void evictOneIdleRoom(EngineRoom keep) {
    EngineRoom oldest = null;
    for (EngineRoom room : rooms.values()) {
      // Read without the lock: a guess, checked again under it.
      if (room != keep && room.isIdle() && (oldest == null || room.lastActivityMillis < oldest.lastActivityMillis)) {
        oldest = room;
      }
    }
    if (oldest == null) {
      return; // every room has someone in it: the server bounds rooms with members itself
    }
    synchronized (oldest) {
      if (!oldest.isIdle() || oldest.removed) {
        evictOneIdleRoom(keep);
        return;
      }
      drop(oldest);
    }
  }

  /** Caller holds the room's lock. */
  private void dropIfDisposable(EngineRoom room) {
    if (room.isDisposable()) {
      drop(room);
    }
  }

  /** Caller holds the room's lock. */
  private void drop(EngineRoom room) {
    room.removed = true;
    rooms.remove(room.name, room);
  }

  private static <T> CompletionStage<T> call(Supplier<T> work) {
    try {
      return done(work.get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
