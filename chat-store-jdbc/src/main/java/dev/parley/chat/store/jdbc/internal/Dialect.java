package dev.parley.chat.store.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

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
  },
  /** SQLite 3.24 or newer, through the xerial sqlite-jdbc driver. */
  SQLITE {
    @Override
    String idType() {
      return "TEXT"; // SQLite's default collation is BINARY: already Java's order for these ids
    }

    @Override
    void prepare(Connection connection) throws SQLException {
      try (Statement s = connection.createStatement()) {
        // busy_timeout: wait for a lock held by another process (or a second store on the same
        // file) rather than fail at once; first, since switching to WAL takes a lock too, and stores
        // starting together on a new file otherwise fail with SQLITE_BUSY. WAL: readers never wait
        // for the writer. synchronous=FULL: a commit is fsynced before it returns, which is what
        // ON_COMMIT promises.
        s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MILLIS);
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
      }
    }
  };

  /** How long a SQLite connection waits for another's lock before its statement fails. */
  static final int BUSY_TIMEOUT_MILLIS = 5000;

  /** The column type of message ids. */
  abstract String idType();

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
