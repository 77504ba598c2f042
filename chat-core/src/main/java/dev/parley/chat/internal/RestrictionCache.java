package dev.parley.chat.internal;

import dev.parley.chat.ChatException;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.history.Restriction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import dev.parley.chat.internal.logging.OutageLog;

/**
 * This node's copy of the bans and mutes of the rooms it checks, so that a join or a message does
 * not read the history store each time. A room's restrictions are read once, then kept until a
 * moderation of the room on any node {@linkplain #forget(String) drops them} (each node hears of
 * every moderation through the moderation link), until the cluster says relays may have been missed
 * ({@link #forgetAll}), or for at most {@link #RECHECK_AFTER}, which bounds how stale a node can be
 * when a relay is lost some other way. Thread-safe: reads run on sessions' inboxes, forgets on any
 * thread.
 */
final class RestrictionCache {
  /** The longest a node goes without reading a room's restrictions again, whatever it was told. */
  static final Duration RECHECK_AFTER = Duration.ofSeconds(30);
  /** Past this many rooms the copy starts over: a bound on memory, not on correctness. */
  static final int MAX_ROOMS = 10_000;

  private record Entry(List<Restriction> kept, long readAtNanos) {}

  private final HistoryStore store;
  private final ConcurrentHashMap<String, Entry> rooms = new ConcurrentHashMap<>();
  /**
   * Counts forgets: a read that a forget overtook may hold what the forget was about to drop, so it
   * is used once but not kept.
   */
  private final AtomicLong forgets = new AtomicLong();

  RestrictionCache(HistoryStore store) {
    this.store = store;
  }

  /**
   * A user's restriction of a kind in a room that holds now, if any.
   *
   * @throws ChatException {@code HISTORY_UNAVAILABLE} if the room's restrictions had to be read and
   *     could not be, with no earlier copy to fall back on
   */
  Optional<Restriction> active(Restriction.Kind kind, String room, String user, Instant now) {
    for (Restriction r : of(room)) {
      if (r.kind() == kind && r.user().equals(user) && r.activeAt(now)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  private List<Restriction> of(String room) {
    Entry entry = rooms.get(room);
    long now = System.nanoTime();
    if (entry != null && now - entry.readAtNanos() < RECHECK_AFTER.toNanos()) {
      return entry.kept();
    }
    long before = forgets.get();
    List<Restriction> kept;
    try {
      kept = List.copyOf(store.restrictions(room));
    } catch (RuntimeException e) {
      OutageLog.STORE.error("history store read failed", e);
      if (entry != null) {
        return entry.kept(); // only a periodic re-read failed: what this node was told still holds
      }
      throw new ChatException(ErrorCodes.HISTORY_UNAVAILABLE,
          "Bans and mutes cannot be read right now; try again later");
    }
    if (forgets.get() == before) {
      if (rooms.size() >= MAX_ROOMS) {
        rooms.clear();
      }
      Entry read = new Entry(kept, now);
      rooms.put(room, read);
      if (forgets.get() != before) {
        // A forget came between the check and the put, and its removal may have run before the put.
        rooms.remove(room, read);
      }
    }
    return kept;
  }

  /** A restriction of the room changed (on this node or another): the next check reads the store. */
  void forget(String room) {
    forgets.incrementAndGet();
    rooms.remove(room);
  }

  /** This node may have missed moderations of other nodes: every room is read again. */
  void forgetAll() {
    forgets.incrementAndGet();
    rooms.clear();
  }
}
