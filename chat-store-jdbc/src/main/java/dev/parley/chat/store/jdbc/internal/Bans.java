package dev.parley.chat.store.jdbc.internal;

import dev.parley.chat.history.Ban;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The bans table. Bans are rare (a moderator's act), so each is written on its own, in auto-commit,
 * on a connection of the read pool, by a thread of its own so that {@link #keep} never blocks its
 * caller; reads run on the caller's thread, as the store's other reads do. A ban's stage completes
 * once committed, so every read made after it sees it. Thread-safe; {@link #close} stops the thread.
 */
final class Bans implements AutoCloseable {
  private final Schema schema;
  private final ReadPool pool;
  private final OwnThread writes = new OwnThread("parley-history-bans");

  Bans(Schema schema, ReadPool pool) {
    this.schema = schema;
    this.pool = pool;
  }

  CompletableFuture<Void> keep(Ban ban) {
    return write(() -> pool.read(c -> {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO " + schema.bans()
          + " (room, username, until_ms, until_ns, reason) VALUES (?, ?, ?, ?, ?)"
          + " ON CONFLICT (room, username) DO UPDATE SET until_ms = excluded.until_ms,"
          + " until_ns = excluded.until_ns, reason = excluded.reason")) {
        s.setString(1, ban.room());
        s.setString(2, ban.user());
        if (ban.until() == null) {
          s.setNull(3, java.sql.Types.BIGINT);
          s.setInt(4, 0);
        } else {
          s.setLong(3, ban.until().getEpochSecond());
          s.setInt(4, ban.until().getNano());
        }
        s.setString(5, ban.reason());
        s.executeUpdate();
      }
      return null;
    }));
  }

  CompletableFuture<Void> lift(String room, String user) {
    return write(() -> pool.read(c -> {
      try (PreparedStatement s = c.prepareStatement("DELETE FROM " + schema.bans() + " WHERE room = ? AND username = ?")) {
        s.setString(1, room);
        s.setString(2, user);
        s.executeUpdate();
      }
      return null;
    }));
  }

  Optional<Ban> find(String room, String user) throws SQLException {
    return pool.read(c -> {
      try (PreparedStatement q = c.prepareStatement(
          "SELECT until_ms, until_ns, reason FROM " + schema.bans() + " WHERE room = ? AND username = ?")) {
        q.setString(1, room);
        q.setString(2, user);
        try (ResultSet rs = q.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          long seconds = rs.getLong(1);
          Instant until = rs.wasNull() ? null : Instant.ofEpochSecond(seconds, rs.getInt(2));
          return Optional.of(new Ban(room, user, until, rs.getString(3)));
        }
      }
    });
  }

  /** A write on the bans' thread; its stage fails with what the database said. */
  private CompletableFuture<Void> write(SqlCall call) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      writes.execute(() -> {
        try {
          call.run();
          done.complete(null);
        } catch (SQLException | RuntimeException e) {
          done.completeExceptionally(e);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      done.completeExceptionally(new IllegalStateException("The history store is closed"));
    }
    return done;
  }

  @FunctionalInterface
  private interface SqlCall {
    void run() throws SQLException;
  }

  /** Lets queued writes finish, for a bounded time. */
  @Override
  public void close() {
    writes.close();
  }
}
