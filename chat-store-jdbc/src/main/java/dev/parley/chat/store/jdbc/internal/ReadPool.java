package dev.parley.chat.store.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The connections reads run on: at most {@code size} at once, kept open between reads. Reads block
 * (the server calls them from worker threads), so a read waits for a free connection rather than
 * open more, though no longer than a timeout; a connection a statement failed on is closed, not
 * reused.
 */
final class ReadPool implements AutoCloseable {
  /** A read on a connection. */
  interface Read<T> {
    T run(Connection connection) throws SQLException;
  }

  private final ConnectionSource opener;
  private final int size;
  private final Semaphore permits;
  private final Duration timeout;
  private final ArrayDeque<Connection> idle = new ArrayDeque<>();
  private boolean closed;

  ReadPool(ConnectionSource opener, int size, Duration timeout) {
    this.opener = opener;
    this.size = size;
    this.permits = new Semaphore(size, true);
    this.timeout = timeout;
  }

  /**
   * Runs a read on a pooled connection.
   *
   * @throws IllegalStateException if no connection comes free within the timeout: reads stuck on the
   *     database must not pile up the server's worker threads behind them
   */
  <T> T read(Read<T> read) throws SQLException {
    boolean acquired;
    try {
      acquired = permits.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for a history read connection", e);
    }
    if (!acquired) {
      throw new IllegalStateException("No history read connection came free within " + timeout
          + ": all " + size + " are busy (readConnections), the database is slow or stuck");
    }
    try {
      Connection c = take();
      boolean healthy = false;
      try {
        T result = read.run(c);
        healthy = true;
        return result;
      } finally {
        give(c, healthy);
      }
    } finally {
      permits.release();
    }
  }

  private Connection take() throws SQLException {
    synchronized (idle) {
      if (closed) {
        throw new SQLException("The history store is closed");
      }
      Connection c = idle.pollLast();
      if (c != null) {
        return c;
      }
    }
    return opener.connect();
  }

  private void give(Connection c, boolean healthy) {
    synchronized (idle) {
      if (healthy && !closed) {
        idle.addLast(c);
        return;
      }
    }
    closeQuietly(c);
  }

  @Override
  public void close() {
    synchronized (idle) {
      closed = true;
      idle.forEach(ReadPool::closeQuietly);
      idle.clear();
    }
  }

  static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // Closing is all that was left to do with it.
    }
  }
}
