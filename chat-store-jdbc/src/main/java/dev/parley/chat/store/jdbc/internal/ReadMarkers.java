package dev.parley.chat.store.jdbc.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * The read markers table. Markers move often (a client reads as messages come in), so writes are
 * coalesced: while a user's marker in a stream waits for its write, a newer one replaces it and shares
 * its stage, so the database sees at most one write per marker in flight, however fast clients read.
 * Each is written in auto-commit, on a connection of the read pool, by a thread of its own so that
 * {@link #mark} never blocks its caller; the upsert only ever raises a marker. A marker's stage
 * completes once committed. A marker leaves the waiting ones only once committed, and reads look at
 * the waiting ones first, so a read made after {@link #mark} returned sees it. Thread-safe; {@link #close} lets the waiting writes finish.
 */
final class ReadMarkers implements AutoCloseable {
  private record Key(String stream, String user) {}

  private record Waiting(String throughId, CompletableFuture<Void> done) {}

  private final Schema schema;
  private final ReadPool pool;
  private final ConcurrentHashMap<Key, Waiting> waiting = new ConcurrentHashMap<>();
  private final OwnThread writes = new OwnThread("parley-history-reads");

  ReadMarkers(Schema schema, ReadPool pool) {
    this.schema = schema;
    this.pool = pool;
  }

  CompletableFuture<Void> mark(String stream, String user, String throughId) {
    Key key = new Key(stream, user);
    CompletableFuture<Void> fresh = new CompletableFuture<>();
    Waiting now = waiting.merge(key, new Waiting(throughId, fresh), (old, given) ->
        new Waiting(given.throughId().compareTo(old.throughId()) > 0 ? given.throughId() : old.throughId(), old.done()));
    if (now.done() != fresh) {
      return now.done(); // joins the write already waiting
    }
    try {
      writes.execute(() -> write(key));
    } catch (RejectedExecutionException e) {
      waiting.remove(key, now);
      fresh.completeExceptionally(new IllegalStateException("The history store is closed"));
    }
    return fresh;
  }

  /**
   * Writes a waiting marker, and again while a newer one joined it meanwhile; it leaves the map only
   * once committed, so that a read never falls between the two.
   */
  private void write(Key key) {
    Waiting w = waiting.get(key);
    if (w == null) {
      return;
    }
    try {
      for (;;) {
        upsert(key, w.throughId());
        if (waiting.remove(key, w)) {
          break;
        }
        w = waiting.get(key);
      }
      w.done().complete(null);
    } catch (SQLException | RuntimeException e) {
      waiting.remove(key);
      w.done().completeExceptionally(e);
    }
  }

  private void upsert(Key key, String throughId) throws SQLException {
    pool.read(c -> {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO " + schema.reads()
          + " (stream, username, through_id) VALUES (?, ?, ?)"
          + " ON CONFLICT (stream, username) DO UPDATE SET through_id = excluded.through_id"
          + " WHERE " + schema.reads() + ".through_id < excluded.through_id")) {
        s.setString(1, key.stream());
        s.setString(2, key.user());
        s.setString(3, throughId);
        s.executeUpdate();
      }
      return null;
    });
  }

  Optional<String> find(String stream, String user) throws SQLException {
    // The waiting marker first: one that leaves the map in between has been committed, so the query sees it.
    Waiting w = waiting.get(new Key(stream, user));
    String stored = pool.read(c -> {
      try (PreparedStatement q = c.prepareStatement(
          "SELECT through_id FROM " + schema.reads() + " WHERE stream = ? AND username = ?")) {
        q.setString(1, stream);
        q.setString(2, user);
        try (ResultSet rs = q.executeQuery()) {
          return rs.next() ? rs.getString(1) : null;
        }
      }
    });
    if (w != null && (stored == null || w.throughId().compareTo(stored) > 0)) {
      return Optional.of(w.throughId());
    }
    return Optional.ofNullable(stored);
  }

  /** Lets waiting writes finish, for a bounded time. */
  @Override
  public void close() {
    writes.close();
  }
}
