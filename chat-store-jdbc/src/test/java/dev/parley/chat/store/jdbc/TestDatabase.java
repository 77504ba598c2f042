package dev.parley.chat.store.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A database for one test: an SQLite file in a temporary directory, or tables of their own (a
 * random prefix) in the PostgreSQL database the build uses, dropped afterwards.
 */
abstract class TestDatabase implements AutoCloseable {
  /** The PostgreSQL the tests use; CI starts it (.ci/run). Override with -Dparley.test.postgres.url. */
  static final String POSTGRES_URL =
      System.getProperty("parley.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

  final String prefix = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "_";

  abstract String url();

  /** A builder for a store on this database, with this test's tables. */
  JdbcHistoryStore.Builder builder() {
    return JdbcHistoryStore.builder().url(url()).tablePrefix(prefix);
  }

  /** A connection of the test's own, beside the store's. */
  Connection connect() throws SQLException {
    return DriverManager.getConnection(url());
  }

  String messagesTable() {
    return prefix + "messages";
  }

  /**
   * Blocks writes to the messages table from another connection, as a stalled or overloaded
   * database would, until the returned lock is closed. Reads still go through.
   */
  abstract WriteLock lockWrites() throws SQLException;

  /** A held write lock; closing it lets the writes through. */
  interface WriteLock extends AutoCloseable {
    @Override
    void close() throws SQLException;
  }

  /** Whether the messages table holds a row with this id, as another connection sees it (committed). */
  boolean committed(String id) throws SQLException {
    try (Connection c = connect();
        var q = c.prepareStatement("SELECT count(*) FROM " + messagesTable() + " WHERE id = ?")) {
      q.setString(1, id);
      try (var rs = q.executeQuery()) {
        rs.next();
        return rs.getInt(1) == 1;
      }
    }
  }

  /** Rows in the messages table, committed. */
  int rows() throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM " + messagesTable())) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** SQLite in {@code dir}, or PostgreSQL: the names parameterized tests use. */
  static TestDatabase named(String name, Path dir) {
    return switch (name) {
      case "sqlite" -> sqlite(dir);
      case "postgresql" -> postgres();
      default -> throw new IllegalArgumentException(name);
    };
  }

  static TestDatabase sqlite(Path dir) {
    return new TestDatabase() {
      @Override
      String url() {
        return "jdbc:sqlite:" + dir.resolve("history.db");
      }

      @Override
      public void close() {} // the temporary directory goes with the test

      @Override
      WriteLock lockWrites() throws SQLException {
        Connection c = connect();
        try (Statement s = c.createStatement()) {
          s.execute("BEGIN IMMEDIATE"); // takes SQLite's one write lock; WAL readers carry on
        }
        return () -> {
          try (c; Statement s = c.createStatement()) {
            s.execute("ROLLBACK");
          }
        };
      }

      @Override
      public String toString() {
        return "SQLite";
      }
    };
  }

  /**
   * The build's PostgreSQL. Not skipped when it is down: CI guarantees it, and a test that quietly
   * skipped would prove nothing.
   */
  static TestDatabase postgres() {
    try (Connection c = DriverManager.getConnection(POSTGRES_URL)) {
      c.isValid(5);
    } catch (SQLException e) {
      throw new AssertionError("PostgreSQL is not reachable at " + POSTGRES_URL + " (" + e.getMessage()
          + "). The build needs it: start it with"
          + " 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start' (.ci/run does),"
          + " or point -Dparley.test.postgres.url at another one.", e);
    }
    return new TestDatabase() {
      @Override
      String url() {
        return POSTGRES_URL;
      }

      @Override
      WriteLock lockWrites() throws SQLException {
        Connection c = connect();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
          // Conflicts with INSERT and DELETE, not with SELECT.
          s.execute("LOCK TABLE " + messagesTable() + " IN EXCLUSIVE MODE");
        }
        return () -> {
          try (c) {
            c.rollback();
          }
        };
      }

      @Override
      public void close() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
          s.execute("DROP TABLE IF EXISTS " + prefix + "messages");
          s.execute("DROP TABLE IF EXISTS " + prefix + "floors");
          s.execute("DROP TABLE IF EXISTS " + prefix + "bans");
          s.execute("DROP TABLE IF EXISTS " + prefix + "mutes");
          s.execute("DROP TABLE IF EXISTS " + prefix + "reads");
          s.execute("DROP TABLE IF EXISTS " + prefix + "schema_version");
        }
      }

      @Override
      public String toString() {
        return "PostgreSQL";
      }
    };
  }
}
