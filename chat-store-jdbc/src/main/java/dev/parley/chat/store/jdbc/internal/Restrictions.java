package dev.parley.chat.store.jdbc.internal;

import dev.parley.chat.history.Restriction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The bans and mutes tables, one per {@link Restriction.Kind}, of the same columns. Writes are
 * {@link Pending} operations that the {@link Writer} commits with the messages, in queue order and
 * under the same retries, so that a restriction's stage completes once it is committed, as an
 * append's does; reads run on the caller's thread with a connection of the read pool. Stateless.
 */
final class Restrictions {
  private Restrictions() {}

  static String table(Schema schema, Restriction.Kind kind) {
    return kind == Restriction.Kind.BAN ? schema.bans() : schema.mutes();
  }

  /** Writes (inserts or replaces) a restriction in the writer's transaction. */
  static void keep(Connection c, Schema schema, Restriction r, int timeout) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table(schema, r.kind())
        + " (room, username, until_ms, until_ns, reason) VALUES (?, ?, ?, ?, ?)"
        + " ON CONFLICT (room, username) DO UPDATE SET until_ms = excluded.until_ms,"
        + " until_ns = excluded.until_ns, reason = excluded.reason")) {
      s.setQueryTimeout(timeout);
      s.setString(1, r.room());
      s.setString(2, r.user());
      if (r.until() == null) {
        s.setNull(3, java.sql.Types.BIGINT);
        s.setInt(4, 0);
      } else {
        // until_ms holds epoch seconds (the column's name predates it); until_ns the nanoseconds.
        s.setLong(3, r.until().getEpochSecond());
        s.setInt(4, r.until().getNano());
      }
      s.setString(5, r.reason());
      s.executeUpdate();
    }
  }

  /** Deletes a restriction, if kept, in the writer's transaction. */
  static void lift(Connection c, Schema schema, Restriction.Kind kind, String room, String user, int timeout)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "DELETE FROM " + table(schema, kind) + " WHERE room = ? AND username = ?")) {
      s.setQueryTimeout(timeout);
      s.setString(1, room);
      s.setString(2, user);
      s.executeUpdate();
    }
  }

  /** Every restriction kept for a room, as committed. */
  static List<Restriction> of(ReadPool pool, Schema schema, String room) throws SQLException {
    return pool.read(c -> {
      List<Restriction> found = new ArrayList<>();
      for (Restriction.Kind kind : Restriction.Kind.values()) {
        try (PreparedStatement q = c.prepareStatement(
            "SELECT username, until_ms, until_ns, reason FROM " + table(schema, kind) + " WHERE room = ?")) {
          q.setString(1, room);
          try (ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
              long seconds = rs.getLong(2);
              Instant until = rs.wasNull() ? null : Instant.ofEpochSecond(seconds, rs.getInt(3));
              found.add(new Restriction(kind, room, rs.getString(1), until, rs.getString(4)));
            }
          }
        }
      }
      return found;
    });
  }
}
