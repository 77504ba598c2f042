package dev.parley.chat.store.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer thread: takes the queued operations in batches, commits each batch in one
 * transaction with retries, and lets the {@link Trimmer} apply retention between batches. Started by
 * its constructor, stopped by {@link #close}.
 */
final class Writer {
  // The store logs under one name, whichever of its parts speaks.
  private static final Logger log = LoggerFactory.getLogger(Engine.class);
  private static final long MAX_BACKOFF_NANOS = Duration.ofSeconds(2).toNanos();

  private final Engine.Settings settings;
  private final Schema schema;
  private final String table;
  private final String insertSql;
  private final Pending pending;
  private final WriterConnection connection;
  private final Trimmer trimmer;
  private final Thread thread;

  Writer(Engine.Settings settings, Schema schema, Pending pending, WriterConnection connection) {
    this.settings = settings;
    this.schema = schema;
    this.table = schema.messages();
    this.insertSql = Rows.insert(table, schema.floors());
    this.pending = pending;
    this.connection = connection;
    this.trimmer = new Trimmer(settings, table, connection);
    this.thread = new Thread(this::writeLoop, settings.name());
    thread.setDaemon(true);
    thread.start();
  }

  private void writeLoop() {
    long trimEvery = settings.trimInterval().toNanos();
    long nextTrim = System.nanoTime() + trimEvery;
    try {
      for (;;) {
        List<Pending.Op> batch = pending.next(settings.batchSize(), settings.linger().toNanos(), nextTrim);
        if (batch == null) {
          break;
        }
        if (!batch.isEmpty()) {
          writeBatch(batch);
        }
        if (System.nanoTime() - nextTrim >= 0) {
          // A trim with more left comes back right after the next batch: writes go between chunks.
          nextTrim = System.nanoTime() + (trimmer.trim() ? 0 : trimEvery);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      log.error("history writer stopped", e);
      throw e;
    } finally {
      pending.close();
      fail(pending.drain(), new IllegalStateException("The history store stopped before this was written"));
      connection.drop();
    }
  }

  /**
   * Writes a batch, retrying what may pass later. A permanent error (the database refuses one
   * operation's data, which no retry changes) would otherwise hold every write behind it and fail the
   * innocent operations of its batch; so the batch is split in halves until the refused operation is
   * alone, and only that one fails.
   */
  private void writeBatch(List<Pending.Op> batch) throws InterruptedException {
    // Parts in queue order from the head: each is committed (or failed) before the next, so the
    // queue is taken off in order and appends stay before removals queued after them.
    ArrayDeque<List<Pending.Op>> parts = clearsAlone(batch);
    while (!parts.isEmpty()) {
      List<Pending.Op> part = parts.pop();
      Failure failure = writeWithRetries(part);
      if (failure == null) {
        continue;
      }
      if (!failure.permanent()) {
        // Given up after retryFor: the rest of the batch would wait as long for the same database.
        List<Pending.Op> rest = new ArrayList<>(part);
        parts.forEach(rest::addAll);
        pending.done(rest);
        fail(rest, failure.error());
        if (pending.closed()) {
          // Closing: nothing behind this batch would fare better, and close() is waiting.
          fail(pending.drain(), failure.error());
        }
        return;
      }
      if (part.size() > 1) {
        int half = part.size() / 2;
        parts.push(part.subList(half, part.size()));
        parts.push(part.subList(0, half));
        continue;
      }
      Pending.Op op = part.get(0);
      log.warn("history store {} refused a write to stream {} for good; it fails, the others go on",
          table, op.stream(), failure.error());
      pending.done(part);
      fail(part, failure.error());
    }
  }

  /**
   * The batch in parts, in order, each clear in a part of its own: a clear's transaction takes its
   * lock before anything else (see {@link #writeClear}), and one that held an insert's lock already
   * could deadlock with another store's clear.
   */
  private static ArrayDeque<List<Pending.Op>> clearsAlone(List<Pending.Op> batch) {
    ArrayDeque<List<Pending.Op>> parts = new ArrayDeque<>();
    int start = 0;
    for (int i = 0; i < batch.size(); i++) {
      if (batch.get(i) instanceof Pending.Clear) {
        if (i > start) {
          parts.addLast(batch.subList(start, i));
        }
        parts.addLast(batch.subList(i, i + 1));
        start = i + 1;
      }
    }
    if (start < batch.size()) {
      parts.addLast(batch.subList(start, batch.size()));
    }
    return parts;
  }

  /** Why a write did not commit: refused for good, or still failing after {@code retryFor}. */
  private record Failure(Exception error, boolean permanent) {}

  /**
   * Commits the operations, retrying transient failures with backoff for {@code retryFor}; completes
   * their stages once committed.
   *
   * @return {@code null} once committed, else why not; the stages of a failed batch are left alone
   */
  private Failure writeWithRetries(List<Pending.Op> batch) throws InterruptedException {
    long deadline = System.nanoTime() + settings.retryFor().toNanos();
    long backoff = Duration.ofMillis(50).toNanos();
    for (int attempt = 1; ; attempt++) {
      try {
        write(batch);
        pending.done(batch);
        for (Pending.Op op : batch) {
          op.done().complete(null);
        }
        if (attempt > 1) {
          log.info("history writes to {} resumed after {} attempts", table, attempt);
        }
        return null;
      } catch (SQLException | RuntimeException e) {
        if (SqlErrors.permanent(e)) {
          return new Failure(e, true); // write() rolled back; the connection is fine
        }
        connection.drop();
        if (System.nanoTime() - deadline >= 0) {
          log.error("history store gave up writing {} operations to {} after {}", batch.size(), table, settings.retryFor(), e);
          return new Failure(e, false);
        }
        if (attempt == 1) {
          log.warn("history store could not write to {}; retrying for up to {}", table, settings.retryFor(), e);
        }
        Thread.sleep(backoff / 1_000_000); // the writer's own pace: nothing else waits on this thread
        backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
      }
    }
  }

  static void fail(List<Pending.Op> ops, Throwable cause) {
    for (Pending.Op op : ops) {
      op.done().completeExceptionally(cause);
    }
  }

  private void write(List<Pending.Op> batch) throws SQLException {
    Connection c = connection.get();
    // A statement stuck behind a lock gives up within the retry window, so close() is never stuck.
    int timeout = Engine.seconds(settings.retryFor());
    if (batch.get(0) instanceof Pending.Clear clear) {
      writeClear(c, clear, timeout);
      return;
    }
    try (PreparedStatement insert = c.prepareStatement(insertSql);
        PreparedStatement removeThrough = c.prepareStatement("DELETE FROM " + table + " WHERE stream = ? AND id <= ?");
        PreparedStatement removeAll = c.prepareStatement("DELETE FROM " + table + " WHERE stream = ?");
        PreparedStatement change = c.prepareStatement(Rows.change(table))) {
      change.setQueryTimeout(timeout);
      insert.setQueryTimeout(timeout);
      removeThrough.setQueryTimeout(timeout);
      removeAll.setQueryTimeout(timeout);
      boolean inserts = false;
      for (Pending.Op op : batch) {
        if (op instanceof Pending.Append a) {
          Rows.bindInsert(insert, a.stream(), a.message());
          insert.addBatch();
          inserts = true;
        } else if (op instanceof Pending.Change ch) {
          if (inserts) {
            insert.executeBatch(); // the message may be in this batch: insert it before changing it
            inserts = false;
          }
          Rows.bindChange(change, ch.stream(), ch.version());
          change.executeUpdate();
        } else if (op instanceof Pending.Remove r) {
          if (inserts) {
            insert.executeBatch(); // keep queue order: what was appended before the removal goes with it
            inserts = false;
          }
          PreparedStatement delete = r.throughId() == null ? removeAll : removeThrough;
          delete.setString(1, r.stream());
          if (r.throughId() != null) {
            delete.setString(2, r.throughId());
          }
          delete.executeUpdate();
        }
      }
      if (inserts) {
        insert.executeBatch();
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      Schema.rollbackQuietly(c, e);
      throw e;
    }
    for (Pending.Op op : batch) {
      if (op instanceof Pending.Append) {
        trimmer.touched(op.stream());
      }
    }
  }

  /**
   * Raises a stream's floor and removes what is at or below it, in one transaction. Inserts skip ids
   * at or below their stream's floor, as their statement sees it. In PostgreSQL an insert of another
   * store (another node) could have checked the floor before this commits and commit after this
   * removed: so the clear first takes a lock that waits for every transaction inserting into the
   * table to end and holds new ones until it commits; their statements then see the floor. Clears
   * are rare, and the lock lasts one delete. SQLite runs one write transaction at a time anyway.
   */
  private void writeClear(Connection c, Pending.Clear clear, int timeout) throws SQLException {
    try (Statement lock = c.createStatement();
        PreparedStatement floor = c.prepareStatement("INSERT INTO " + schema.floors() + " (stream, through_id)"
            + " VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET through_id = excluded.through_id"
            + " WHERE " + schema.floors() + ".through_id < excluded.through_id");
        PreparedStatement remove = c.prepareStatement("DELETE FROM " + table + " WHERE stream = ? AND id <= ?")) {
      if (schema.dialect() == Dialect.POSTGRESQL) {
        lock.setQueryTimeout(timeout);
        lock.execute("LOCK TABLE " + table + " IN SHARE ROW EXCLUSIVE MODE");
      }
      floor.setQueryTimeout(timeout);
      floor.setString(1, clear.stream());
      floor.setString(2, clear.throughId());
      floor.executeUpdate();
      remove.setQueryTimeout(timeout);
      remove.setString(1, clear.stream());
      remove.setString(2, clear.throughId());
      remove.executeUpdate();
      c.commit();
    } catch (SQLException | RuntimeException e) {
      Schema.rollbackQuietly(c, e);
      throw e;
    }
  }

  /**
   * Stops taking appends, lets the writer write what is queued, and waits for it a bounded time:
   * retrying a batch takes up to {@code retryFor}, and its statements time out after as long, so a
   * writer still busy well past that is stuck in a statement whose timeout the driver cannot enforce
   * (a dead network); its connection is then cut off.
   */
  void close() {
    pending.close();
    if (Thread.currentThread() == thread) {
      return;
    }
    long bound = settings.retryFor().multipliedBy(3).plusSeconds(5).toNanos();
    if (!join(bound)) {
      log.error("history writer of {} still busy {} after close; cutting off its connection, failing what is queued",
          table, Duration.ofNanos(bound));
      thread.interrupt();
      connection.abort();
      if (!join(Duration.ofSeconds(5).toNanos())) {
        log.error("history writer of {} did not stop; leaving it", table);
      }
    }
  }

  /** Waits for the writer, at most {@code nanos}; whether it ended. */
  private boolean join(long nanos) {
    long deadline = System.nanoTime() + nanos;
    boolean interrupted = false;
    try {
      for (;;) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return !thread.isAlive();
        }
        try {
          thread.join(Math.max(1, left / 1_000_000));
          if (!thread.isAlive()) {
            return true;
          }
        } catch (InterruptedException e) {
          interrupted = true; // the queue must still be written before close returns
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
