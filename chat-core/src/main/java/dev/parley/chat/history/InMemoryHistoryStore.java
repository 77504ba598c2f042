package dev.parley.chat.history;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.monitoring.Health;
import dev.parley.chat.internal.clock.StoreClock;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A {@link HistoryStore} in this process's memory: fast, and gone when the process ends. Appends are
 * durable as soon as they return. The default store of a {@link dev.parley.chat.ChatServer}.
 *
 * <p>Memory is bounded by the {@link Retention} per stream times the number of streams: every room
 * that has kept messages and every inbox, plus one id for each room ever {@linkplain #clear cleared},
 * its floor. A stream goes only when emptied ({@link #remove}), so the number of rooms is not
 * bounded by {@link dev.parley.chat.ChatConfig#maxRooms()}.
 *
 * <p>Threading: safe to call from any thread; each stream is locked only while it is read or changed,
 * and nothing blocks on I/O. Lifecycle: usable from construction; {@link #close()} only makes {@link
 * #health()} report DOWN, and the messages stay until the object is collected.
 */
public final class InMemoryHistoryStore implements HistoryStore {
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final Retention retention;
  private final StoreClock clock;
  private final ConcurrentHashMap<String, ArrayDeque<ChatMessage>> streams = new ConcurrentHashMap<>();
  /**
   * Each cleared stream's floor. Written and read only inside {@code streams.compute} of its stream,
   * whose lock makes a clear and an append of one stream take turns.
   */
  private final ConcurrentHashMap<String, String> floors = new ConcurrentHashMap<>();
  /** Bans and mutes by room, then kind and user: few, so unbounded but for what moderators do. */
  private final ConcurrentHashMap<String, ConcurrentHashMap<RestrictionKey, Restriction>> restrictions =
      new ConcurrentHashMap<>();
  /**
   * Read markers by (stream, user): one per user and room or conversation they read, unbounded like
   * the users themselves (a marker is a few dozen bytes).
   */
  private final ConcurrentHashMap<Marker, String> markers = new ConcurrentHashMap<>();

  private record Marker(String stream, String user) {}
  private volatile boolean closed;

  /**
   * A store keeping what {@code retention} allows, aged by the clock of the server that uses it (the
   * system clock until a server {@linkplain #useServerClock gives it} its own).
   *
   * @param retention what is kept per stream
   */
  public InMemoryHistoryStore(Retention retention) {
    this.retention = Objects.requireNonNull(retention, "retention");
    this.clock = new StoreClock(null);
  }

  /**
   * A store keeping what {@code retention} allows, aged by {@code clock}.
   *
   * @param retention what is kept per stream
   * @param clock the clock message ages are measured with
   */
  public InMemoryHistoryStore(Retention retention, Clock clock) {
    this.retention = Objects.requireNonNull(retention, "retention");
    this.clock = new StoreClock(Objects.requireNonNull(clock, "clock"));
  }

  /**
   * {@inheritDoc}
   *
   * <p>A store made without a clock ages messages by {@code clock} from then on; one made with a clock
   * keeps it.
   *
   * @throws IllegalArgumentException if this store was made with a clock that is not equal to {@code
   *     clock}
   */
  @Override
  public void useServerClock(Clock clock) {
    this.clock.useServerClock(clock);
  }

  @Override
  public Retention retention() {
    return retention;
  }

  @Override
  public CompletionStage<Void> append(String stream, ChatMessage message) {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(message, "message");
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("The history store is closed"));
    }
    streams.compute(stream, (name, messages) -> {
      String floor = floors.get(name);
      if (floor != null && message.id().compareTo(floor) <= 0) {
        return messages; // ordered before a clear, and written after it: the clear has it gone
      }
      ArrayDeque<ChatMessage> kept = messages == null ? new ArrayDeque<>() : messages;
      if (kept.isEmpty() || kept.peekLast().id().compareTo(message.id()) < 0) {
        kept.addLast(message);
      } else {
        insertInOrder(kept, message);
      }
      while (kept.size() > retention.maxMessages()) {
        kept.removeFirst();
      }
      return kept;
    });
    return DONE;
  }

  /** The rare append that is not the newest (another run's clock was ahead): sorted in, once. */
  private static void insertInOrder(ArrayDeque<ChatMessage> kept, ChatMessage message) {
    List<ChatMessage> all = new ArrayList<>(kept);
    int i = 0;
    while (i < all.size() && all.get(i).id().compareTo(message.id()) < 0) {
      i++;
    }
    if (i < all.size() && all.get(i).id().equals(message.id())) {
      return;
    }
    all.add(i, message);
    kept.clear();
    kept.addAll(all);
  }

  @Override
  public List<ChatMessage> before(String stream, String beforeId, int limit) {
    checkLimit(limit);
    ArrayDeque<ChatMessage> found = new ArrayDeque<>(Math.min(limit, 64));
    long now = clock.millis();
    read(stream, messages -> {
      Iterator<ChatMessage> newestFirst = messages.descendingIterator();
      while (newestFirst.hasNext() && found.size() < limit) {
        ChatMessage m = newestFirst.next();
        if (retention.expired(m.time().toEpochMilli(), now)) {
          break;
        }
        if (beforeId == null || m.id().compareTo(beforeId) < 0) {
          found.addFirst(m);
        }
      }
    });
    return List.copyOf(found);
  }

  @Override
  public List<ChatMessage> after(String stream, String afterId, int limit) {
    checkLimit(limit);
    List<ChatMessage> found = new ArrayList<>();
    long now = clock.millis();
    read(stream, messages -> {
      for (ChatMessage m : messages) {
        if ((afterId == null || place(m).compareTo(afterId) > 0) && !retention.expired(m.time().toEpochMilli(), now)) {
          found.add(m);
        }
      }
    });
    found.sort(Comparator.comparing(InMemoryHistoryStore::place));
    return List.copyOf(found.size() > limit ? found.subList(0, limit) : found);
  }

  private static String place(ChatMessage m) {
    return m.revision() != null ? m.revision() : m.id();
  }

  @Override
  public CompletionStage<Void> change(String stream, ChatMessage version) {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(version, "version");
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("The history store is closed"));
    }
    streams.computeIfPresent(stream, (name, messages) -> {
      List<ChatMessage> all = new ArrayList<>(messages);
      for (int i = all.size() - 1; i >= 0; i--) {
        ChatMessage kept = all.get(i);
        if (kept.id().equals(version.id())) {
          // Only the sender's own message (an inbox is keyed by id alone): see HistoryStore.change.
          if (java.util.Objects.equals(kept.sender(), version.sender())
              && (kept.revision() == null || version.revision() == null || kept.revision().compareTo(version.revision()) < 0)) {
            all.set(i, version);
            messages.clear();
            messages.addAll(all);
          }
          break;
        }
      }
      return messages;
    });
    return DONE;
  }

  @Override
  public CompletionStage<Void> remove(String stream, String throughId) {
    streams.computeIfPresent(stream, (name, messages) -> {
      return throughId == null ? null : dropThrough(messages, throughId);
    });
    return DONE;
  }

  /** Removes the messages up to and including an id; {@code null} when none is left. */
  private static ArrayDeque<ChatMessage> dropThrough(ArrayDeque<ChatMessage> messages, String throughId) {
    while (!messages.isEmpty() && messages.peekFirst().id().compareTo(throughId) <= 0) {
      messages.removeFirst();
    }
    return messages.isEmpty() ? null : messages;
  }

  @Override
  public CompletionStage<Void> clear(String stream, String throughId) {
    Objects.requireNonNull(stream, "stream");
    if (throughId == null) {
      return DONE;
    }
    streams.compute(stream, (name, messages) -> {
      floors.merge(name, throughId, (old, id) -> old.compareTo(id) >= 0 ? old : id);
      return messages == null ? null : dropThrough(messages, throughId);
    });
    return DONE;
  }

  private record RestrictionKey(Restriction.Kind kind, String user) {}

  @Override
  public CompletionStage<Void> restrict(Restriction restriction) {
    Objects.requireNonNull(restriction, "restriction");
    restrictions.computeIfAbsent(restriction.room(), r -> new ConcurrentHashMap<>())
        .put(new RestrictionKey(restriction.kind(), restriction.user()), restriction);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> lift(Restriction.Kind kind, String room, String user) {
    RestrictionKey key = new RestrictionKey(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(user, "user"));
    restrictions.computeIfPresent(Objects.requireNonNull(room, "room"), (r, kept) -> {
      kept.remove(key);
      return kept.isEmpty() ? null : kept;
    });
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public List<Restriction> restrictions(String room) {
    ConcurrentHashMap<RestrictionKey, Restriction> kept = restrictions.get(room);
    return kept == null ? List.of() : List.copyOf(kept.values());
  }

  @Override
  public CompletionStage<Void> markRead(String stream, String user, String throughId) {
    Objects.requireNonNull(throughId, "throughId");
    markers.merge(new Marker(Objects.requireNonNull(stream, "stream"), Objects.requireNonNull(user, "user")),
        throughId, (kept, given) -> given.compareTo(kept) > 0 ? given : kept);
    return DONE;
  }

  @Override
  public java.util.Optional<String> readMarker(String stream, String user) {
    return java.util.Optional.ofNullable(markers.get(new Marker(stream, user)));
  }

  /** UP until closed. */
  @Override
  public Health health() {
    return closed ? Health.down("closed")
        : Health.up("in memory");
  }

  @Override
  public void close() {
    closed = true;
  }

  /** Runs {@code reader} under the stream's lock: compute serialises it with appends and removals. */
  private void read(String stream, Consumer<ArrayDeque<ChatMessage>> reader) {
    streams.computeIfPresent(stream, (name, messages) -> {
      reader.accept(messages);
      return messages;
    });
  }

  private static void checkLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
  }

  @Override
  public String toString() {
    return "InMemoryHistoryStore{" + retention + '}';
  }
}
