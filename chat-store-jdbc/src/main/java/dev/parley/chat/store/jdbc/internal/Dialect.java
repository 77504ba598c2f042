package dev.parley.chat.store.jdbc.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What differs between the databases the store supports. Everything else (the DDL, {@code INSERT ...
 * ON CONFLICT DO NOTHING}, {@code LIMIT ... OFFSET}) is SQL both accept.
 */
public enum Dialect {
  /** PostgreSQL 12 or newer. */
  POSTGRESQL {
    @Override
    String idType() {
      // Ids must sort as Java compares them (by char); a locale collation could order them differently.
      return "TEXT COLLATE \"C\"";
    }

    @Override
    void prepare(Connection connection) {}

    @Override
    String addColumn() {
      return "ADD COLUMN IF NOT EXISTS";
    }
  },
  /** SQLite 3.24 or newer, through the xerial sqlite-jdbc driver. */
  SQLITE {
    @Override
    String idType() {
      return "TEXT"; // SQLite's default collation is BINARY: already Java's order for these ids
    }

    @Override
    String addColumn() {
      return "ADD COLUMN"; // no IF NOT EXISTS in SQLite: Schema skips a column the table has
    }

    @Override
    void prepare(Connection connection) throws SQLException {
      try (Statement s = connection.createStatement()) {
        // busy_timeout: wait for a lock held by another process (or a second store on the same
        // file) rather than fail at once. WAL: readers never wait for the writer.
        // synchronous=FULL: a commit is fsynced before it returns, which is what ON_COMMIT promises.
        s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MILLIS);
        switchToWal(s);
        s.execute("PRAGMA synchronous=FULL");
      }
    }

    /**
     * Switches the file to WAL, waiting up to the busy timeout for another connection that is
     * switching it too. The busy timeout alone does not cover that: the switch reads the file's header
     * (a shared lock), then needs the write lock. When another connection holds the write lock
     * (stores starting together on a new file all switch at once, and the first to get the lock
     * waits for the others' shared locks to go), SQLite returns SQLITE_BUSY at once instead of
     * waiting, because a reader that waits for a writer that waits for it would deadlock. Failing
     * releases this connection's shared lock, so the other switch completes; the retry then finds
     * the file in WAL mode already and needs no lock. Once a file is in WAL mode this never loops.
     */
    private void switchToWal(Statement s) throws SQLException {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BUSY_TIMEOUT_MILLIS);
      long pauseMillis = 1;
      for (;;) {
        try (ResultSet mode = s.executeQuery("PRAGMA journal_mode=WAL")) {
          // SQLite answers some refusals with the mode the file keeps instead of an error.
          String now = mode.next() ? mode.getString(1) : null;
          if (!"wal".equalsIgnoreCase(now) && !"memory".equalsIgnoreCase(now)) {
            log.warn("SQLite kept journal mode {} instead of WAL: readers will wait for the writer", now);
          }
          return;
        } catch (SQLException e) {
          if ((e.getErrorCode() & 0xFF) != SQLITE_BUSY || System.nanoTime() - deadline >= 0) {
            throw e;
          }
          try {
            Thread.sleep(pauseMillis); // the other switch needs this long: one fsync of the header
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw e;
          }
          pauseMillis = Math.min(pauseMillis * 2, 50);
        }
      }
    }
  };

  /** How long a SQLite connection waits for another's lock before its statement fails. */
  static final int BUSY_TIMEOUT_MILLIS = 5000;

  private static final Logger log = LoggerFactory.getLogger(Dialect.class);

  /** SQLite's primary result code for a lock held elsewhere; extended codes add high bits. */
  private static final int SQLITE_BUSY = 5;

  /** The column type of message ids. */
  abstract String idType();

  /** The words that add a column to a table in a migration step. */
  abstract String addColumn();

  /** Sets up a new connection. */
  abstract void prepare(Connection connection) throws SQLException;

  /**
   * The dialect of the database behind a connection.
   *
   * @param connection an open connection
   * @return its dialect
   * @throws SQLException if the metadata cannot be read
   * @throws IllegalArgumentException for a database the store does not support
   */
  public static Dialect of(Connection connection) throws SQLException {
    String product = connection.getMetaData().getDatabaseProductName();
    String name = product == null ? "" : product.toLowerCase(Locale.ROOT);
    if (name.contains("postgres")) {
      return POSTGRESQL;
    }
    if (name.contains("sqlite")) {
      return SQLITE;
    }
    throw new IllegalArgumentException(
        "JdbcHistoryStore supports PostgreSQL and SQLite, not " + product);
  }
}
