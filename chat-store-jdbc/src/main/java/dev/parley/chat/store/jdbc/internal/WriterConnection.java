package dev.parley.chat.store.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The writer thread's one connection, opened when needed and dropped after a failure, so that the
 * next attempt starts on a fresh one. Used by the writer thread; {@link #abort} alone may come from
 * another thread, to cut off a statement that ignores its timeout.
 */
final class WriterConnection {
  private final ConnectionSource open;
  // Written by the writer thread only; volatile for abort().
  private volatile Connection connection;

  /**
   * @param open opens a connection prepared for the database
   * @param first the connection the store was set up on, kept for writing
   */
  WriterConnection(ConnectionSource open, Connection first) throws SQLException {
    this.open = open;
    first.setAutoCommit(false);
    this.connection = first;
  }

  Connection get() throws SQLException {
    if (connection == null) {
      Connection c = open.connect();
      try {
        c.setAutoCommit(false);
      } catch (SQLException e) {
        ReadPool.closeQuietly(c);
        throw e;
      }
      connection = c;
    }
    return connection;
  }

  void drop() {
    if (connection != null) {
      ReadPool.closeQuietly(connection);
      connection = null;
    }
  }

  /** Cuts the connection off from another thread: abort() closes the socket without a round trip. */
  void abort() {
    Connection c = connection;
    if (c == null) {
      return;
    }
    try {
      c.abort(Runnable::run);
    } catch (SQLException | RuntimeException e) {
      ReadPool.closeQuietly(c); // a driver without abort()
    }
  }
}
