package dev.parley.chat.store.jdbc.internal;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.history.Retention;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC history store's machinery: a queue of pending writes, one writer thread that commits them
 * in batches and trims what retention no longer keeps, and reads that combine the database with the
 * queue.
 */
public final class Engine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);
  private static final long MAX_BACKOFF_NANOS = Duration.ofSeconds(2).toNanos();
  /** Most rows one age trim deletes in one transaction, so that writes are not held up for long. */
  private static final int TRIM_ROWS = 1000;
  /** Most streams one count trim goes through in one transaction, for the same reason. */
  private static final int TRIM_STREAMS = 100;

  /**
   * How the engine is set up.
   *
   * @param source where connections come from
   * @param tablePrefix prefix of the table names
   * @param retention what is kept per stream
   * @param clock what message ages are measured with
   * @param queueCapacity most appends queued before appends fail
   * @param batchSize most operations written in one transaction
   * @param linger how long the writer waits for a fuller batch; zero writes at once
   * @param trimInterval how often retention is applied to the tables
   * @param retryFor how long a failing batch is retried before its appends fail
   * @param readConnections most connections reads use at once
   * @param readTimeout how long a read waits for a connection, and then for its statement
   * @param name names the writer thread
   */
  public record Settings(
      ConnectionSource source,
      String tablePrefix,
      Retention retention,
      Clock clock,
      int queueCapacity,
      int batchSize,
      Duration linger,
      Duration trimInterval,
      Duration retryFor,
      int readConnections,
      Duration readTimeout,
      String name) {}

  private final Settings settings;
  private final Dialect dialect;
  private final Schema schema;
  private final Pending pending;
  private final ReadPool reads;
  private final Thread writer;
  private final String insertSql;
  private final Set<String> touched = new HashSet<>(); // writer thread only
  // Written by the writer thread only; read by close() to cut off a statement that ignores its timeout.
  private volatile Connection writerConnection;

  /**
   * Connects, creates or migrates the tables, and starts the writer.
   *
   * @param settings the setup
   * @throws SQLException if the database cannot be reached or refuses the schema
   */
  public Engine(Settings settings) throws SQLException {
    this.settings = settings;
    Connection first = settings.source().connect();
    try {
      this.dialect = Dialect.of(first);
      dialect.prepare(first);
      this.schema = Schema.of(settings.tablePrefix(), dialect);
      int from = schema.migrate(first);
      if (from == 0) {
        log.info("created the history tables {} (schema version {})", schema.messages(), schema.latest());
      } else if (from != schema.latest()) {
        log.info("migrated the history tables {} from schema version {} to {}", schema.messages(), from, schema.latest());
      }
    } catch (SQLException | RuntimeException e) {
      ReadPool.closeQuietly(first);
      throw e;
    }
    this.insertSql = Rows.insert(schema.messages());
    this.pending = new Pending(settings.queueCapacity());
    this.reads = new ReadPool(this::openForReads, settings.readConnections(), settings.readTimeout());
    this.writerConnection = first;
    try {
      first.setAutoCommit(false);
    } catch (SQLException e) {
      ReadPool.closeQuietly(first);
      throw e;
    }
    this.writer = new Thread(this::writeLoop, settings.name());
    writer.setDaemon(true);
    writer.start();
  }

  /** The database this engine writes to. */
  public Dialect dialect() {
    return dialect;
  }

  /** The table messages are kept in. */
  public String messagesTable() {
    return schema.messages();
  }

  private Connection open() throws SQLException {
    Connection c = settings.source().connect();
    try {
      dialect.prepare(c);
      return c;
    } catch (SQLException | RuntimeException e) {
      ReadPool.closeQuietly(c);
      throw e;
    }
  }

  private Connection openForReads() throws SQLException {
    Connection c = open();
    if (dialect == Dialect.POSTGRESQL) {
      try {
        // A read that takes two statements takes them in one transaction: at REPEATABLE READ they
        // see one snapshot. Read-only transactions never fail to serialize at this level.
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      } catch (SQLException | RuntimeException e) {
        ReadPool.closeQuietly(c);
        throw e;
      }
    }
    return c;
  }

  // ------------------------------------------------------------------ writes

  /** Queues an append; the stage fails at once if the queue is full or closed. */
  public CompletableFuture<Void> append(String stream, ChatMessage message) {
    return offer(new Pending.Append(stream, message, new CompletableFuture<>()));
  }

  /** Queues a removal through an id, or of the whole stream for {@code null}. */
  public CompletableFuture<Void> remove(String stream, String throughId) {
    return offer(new Pending.Remove(stream, throughId, new CompletableFuture<>()));
  }

  private CompletableFuture<Void> offer(Pending.Op op) {
    switch (pending.offer(op)) {
      case FULL -> op.done().completeExceptionally(new HistoryQueueFullException(
          "The history write queue is full (" + settings.queueCapacity() + " messages): the database is not keeping up"));
      case CLOSED -> op.done().completeExceptionally(new IllegalStateException("The history store is closed"));
      case QUEUED -> { }
    }
    return op.done();
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
          nextTrim = System.nanoTime() + (trim() ? 0 : trimEvery);
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
      dropWriterConnection();
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
    ArrayDeque<List<Pending.Op>> parts = new ArrayDeque<>();
    parts.push(batch);
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
          schema.messages(), op.stream(), failure.error());
      pending.done(part);
      fail(part, failure.error());
    }
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
          log.info("history writes to {} resumed after {} attempts", schema.messages(), attempt);
        }
        return null;
      } catch (SQLException | RuntimeException e) {
        if (SqlErrors.permanent(e)) {
          return new Failure(e, true); // write() rolled back; the connection is fine
        }
        dropWriterConnection();
        if (System.nanoTime() - deadline >= 0) {
          log.error("history store gave up writing {} operations to {} after {}", batch.size(), schema.messages(), settings.retryFor(), e);
          return new Failure(e, false);
        }
        if (attempt == 1) {
          log.warn("history store could not write to {}; retrying for up to {}", schema.messages(), settings.retryFor(), e);
        }
        Thread.sleep(backoff / 1_000_000); // the writer's own pace: nothing else waits on this thread
        backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
      }
    }
  }

  private static void fail(List<Pending.Op> ops, Throwable cause) {
    for (Pending.Op op : ops) {
      op.done().completeExceptionally(cause);
    }
  }

  private void write(List<Pending.Op> batch) throws SQLException {
    Connection c = writerConnection();
    int timeout = queryTimeoutSeconds();
    String table = schema.messages();
    try (PreparedStatement insert = c.prepareStatement(insertSql);
        PreparedStatement removeThrough = c.prepareStatement("DELETE FROM " + table + " WHERE stream = ? AND id <= ?");
        PreparedStatement removeAll = c.prepareStatement("DELETE FROM " + table + " WHERE stream = ?")) {
      insert.setQueryTimeout(timeout);
      removeThrough.setQueryTimeout(timeout);
      removeAll.setQueryTimeout(timeout);
      boolean inserts = false;
      for (Pending.Op op : batch) {
        if (op instanceof Pending.Append a) {
          Rows.bindInsert(insert, a.stream(), a.message());
          insert.addBatch();
          inserts = true;
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
        touched.add(op.stream());
      }
    }
  }

  /**
   * Deletes what retention no longer keeps: reads already skip it, this frees the space. Deletes in
   * bounded chunks, each its own transaction, so that a large backlog (a first trim, a retention
   * made shorter) does not keep the writer from the queue.
   *
   * @return whether more is left to delete
   */
  private boolean trim() {
    Retention retention = settings.retention();
    long cutoff = cutoff();
    if (cutoff == Long.MIN_VALUE && touched.isEmpty()) {
      return false;
    }
    String table = schema.messages();
    int timeout = queryTimeoutSeconds();
    try {
      Connection c = writerConnection();
      int deleted = 0;
      boolean more = false;
      List<String> streams = touched.stream().limit(TRIM_STREAMS).toList();
      try {
        if (cutoff != Long.MIN_VALUE) {
          // Neither database has a portable DELETE ... LIMIT; a limited subquery on the key is.
          try (PreparedStatement old = c.prepareStatement("DELETE FROM " + table + " WHERE (stream, id) IN ("
              + "SELECT stream, id FROM " + table + " WHERE time_ms < ? LIMIT ?)")) {
            old.setQueryTimeout(timeout);
            old.setLong(1, cutoff);
            old.setInt(2, TRIM_ROWS);
            int n = old.executeUpdate();
            deleted += n;
            more = n >= TRIM_ROWS;
          }
        }
        // Only streams written since the last trim can have grown past the count.
        try (PreparedStatement surplus = c.prepareStatement("DELETE FROM " + table + " WHERE stream = ? AND id < ("
            + "SELECT id FROM " + table + " WHERE stream = ? ORDER BY id DESC LIMIT 1 OFFSET ?)")) {
          surplus.setQueryTimeout(timeout);
          for (String stream : streams) {
            surplus.setString(1, stream);
            surplus.setString(2, stream);
            surplus.setInt(3, retention.maxMessages() - 1);
            deleted += surplus.executeUpdate();
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        Schema.rollbackQuietly(c, e);
        throw e;
      }
      streams.forEach(touched::remove);
      if (deleted > 0) {
        log.debug("history retention removed {} messages from {}", deleted, table);
      }
      return more || !touched.isEmpty();
    } catch (SQLException | RuntimeException e) {
      dropWriterConnection();
      log.warn("history retention on {} failed; trying again in {}", table, settings.trimInterval(), e);
      return false;
    }
  }

  private Connection writerConnection() throws SQLException {
    if (writerConnection == null) {
      Connection c = open();
      try {
        c.setAutoCommit(false);
      } catch (SQLException e) {
        ReadPool.closeQuietly(c);
        throw e;
      }
      writerConnection = c;
    }
    return writerConnection;
  }

  private void dropWriterConnection() {
    if (writerConnection != null) {
      ReadPool.closeQuietly(writerConnection);
      writerConnection = null;
    }
  }

  private int queryTimeoutSeconds() {
    // A statement stuck behind a lock gives up within the retry window, so close() is never stuck.
    return seconds(settings.retryFor());
  }

  /** A JDBC query timeout: whole seconds, rounded up, at least 1 (0 would mean none). */
  private static int seconds(Duration timeout) {
    long rounded = timeout.plusNanos(999_999_999).getSeconds();
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, rounded));
  }

  /** Message times below this are too old to keep; {@code Long.MIN_VALUE} when age does not count. */
  private long cutoff() {
    Duration maxAge = settings.retention().maxAge();
    if (maxAge.getSeconds() >= Long.MAX_VALUE / 1000) {
      return Long.MIN_VALUE;
    }
    return settings.clock().millis() - maxAge.toMillis();
  }

  // ------------------------------------------------------------------ reads

  /** The newest messages before an id, oldest first. */
  public List<ChatMessage> before(String stream, String beforeId, int limit) throws SQLException {
    List<ChatMessage> all = new ArrayList<>(merge(stream, null, beforeId, limit, false).values());
    return List.copyOf(all.subList(Math.max(0, all.size() - limit), all.size()));
  }

  /** The oldest messages after an id, oldest first. */
  public List<ChatMessage> after(String stream, String afterId, int limit) throws SQLException {
    List<ChatMessage> all = new ArrayList<>(merge(stream, afterId, null, limit, true).values());
    return List.copyOf(all.subList(0, Math.min(limit, all.size())));
  }

  /**
   * The stream's messages between two ids (both exclusive, either may be null) that retention keeps:
   * up to {@code limit} from the database, nearest the lower end if {@code ascending}, else the upper,
   * plus every queued one in the range.
   */
  private TreeMap<String, ChatMessage> merge(String stream, String lowerId, String upperId, int limit, boolean ascending) throws SQLException {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    // The queue first, the database second: an operation that leaves the queue in between has been
    // committed, so the query sees it.
    Pending.View view = pending.view(stream);
    long cutoff = cutoff();
    // By id, so that an id queued twice counts once.
    TreeMap<String, ChatMessage> queued = new TreeMap<>();
    for (ChatMessage m : view.appends()) {
      if (m.time().toEpochMilli() >= cutoff) {
        queued.putIfAbsent(m.id(), m);
      }
    }
    int max = settings.retention().maxMessages();
    TreeMap<String, ChatMessage> found = new TreeMap<>();
    String floor; // the oldest queued id the count retention keeps; null keeps every queued one
    if (view.removedAll()) {
      floor = queued.size() > max ? newest(queued.navigableKeySet(), max) : null;
    } else {
      String gone = view.removedThrough();
      String lower = lowerId;
      if (gone != null && (lower == null || lower.compareTo(gone) < 0)) {
        lower = gone;
      }
      Kept kept = query(stream, lower, upperId, limit, ascending, cutoff, gone, queued.navigableKeySet());
      for (ChatMessage m : kept.rows()) {
        found.put(m.id(), m);
      }
      floor = kept.floor();
    }
    for (ChatMessage m : queued.values()) {
      if ((lowerId == null || m.id().compareTo(lowerId) > 0) && (upperId == null || m.id().compareTo(upperId) < 0)
          && (floor == null || m.id().compareTo(floor) >= 0)) {
        found.putIfAbsent(m.id(), m);
      }
    }
    return found;
  }

  /** The {@code n}th newest of some ids (1 the newest); there must be at least {@code n}. */
  private static String newest(NavigableSet<String> ids, int n) {
    Iterator<String> it = ids.descendingIterator();
    String id = null;
    for (int i = 0; i < n; i++) {
      id = it.next();
    }
    return id;
  }

  /**
   * What a query found.
   *
   * @param rows the stored messages in range that retention keeps
   * @param floor the oldest id the count retention keeps, if it falls among the queued ones (they
   *     must be cut at it too); else {@code null}
   */
  private record Kept(List<ChatMessage> rows, String floor) {}

  /**
   * The stored messages of a range that retention keeps, counting the queued ones with them. The
   * count applies to the union of queued and stored ids: operations stay queued until after their
   * commit, so the newest stored rows may be queued ones too, and counting both would cut the
   * stream short. Both statements read one snapshot, so the two agree.
   *
   * @param gone stored ids up to this one are being removed and do not count; {@code null} for none
   * @param queued the ids of the queued messages retention keeps by age
   */
  private Kept query(String stream, String lowerId, String upperId, int limit, boolean ascending, long cutoff,
      String gone, NavigableSet<String> queued) throws SQLException {
    String table = schema.messages();
    int max = settings.retention().maxMessages();
    int timeout = seconds(settings.readTimeout());
    return reads.read(c -> {
      boolean autoCommit = c.getAutoCommit();
      if (autoCommit && !queued.isEmpty()) {
        c.setAutoCommit(false);
      }
      String floor = null; // set: keep ids from it on; else keep the newest stored below `below`
      String below = null;
      int keep = max; // how many stored ids below `below` (or at all) the count leaves
      if (!queued.isEmpty()) {
        // The stored ids from the oldest queued one on: normally only those just committed, as
        // ids grow. Their union with the queue is the newest part of the stream.
        TreeSet<String> newest = new TreeSet<>(queued);
        try (PreparedStatement q = c.prepareStatement("SELECT id FROM " + table
            + " WHERE stream = ? AND id > ? AND id >= ? ORDER BY id DESC LIMIT ?")) {
          q.setQueryTimeout(timeout);
          q.setString(1, stream);
          q.setString(2, gone == null ? "" : gone);
          q.setString(3, queued.first());
          q.setInt(4, max);
          try (ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
              newest.add(rs.getString(1));
            }
          }
        }
        if (newest.size() >= max) {
          floor = newest(newest, max);
        } else {
          below = queued.first();
          keep = max - newest.size();
        }
      }
      // The newest page of a stream (a join's history, the commonest read) holds only rows the count
      // keeps when it is no longer than what the count leaves: no need to find the boundary, which
      // walks up to maxMessages index entries.
      boolean newestPage = floor == null && !ascending && upperId == null && limit <= keep;
      String sql = "SELECT " + Rows.COLUMNS + " FROM " + table
          + " WHERE stream = ? AND id > ?" + (upperId == null ? "" : " AND id < ?")
          + " AND time_ms >= ?"
          // Count retention: nothing older than what it keeps, even before the writer trims.
          + (floor != null ? " AND id >= ?"
              : newestPage ? ""
              : " AND id >= COALESCE((SELECT id FROM " + table + " WHERE stream = ? AND id > ?"
                  + (below == null ? "" : " AND id < ?") + " ORDER BY id DESC LIMIT 1 OFFSET ?), '')")
          + " ORDER BY id " + (ascending ? "ASC" : "DESC") + " LIMIT ?";
      List<ChatMessage> rows = new ArrayList<>();
      try (PreparedStatement q = c.prepareStatement(sql)) {
        // A read stuck behind a lock fails (the client gets HISTORY_UNAVAILABLE) rather than hold a
        // server worker thread, and a read connection, for good.
        q.setQueryTimeout(timeout);
        int i = 1;
        q.setString(i++, stream);
        q.setString(i++, lowerId == null ? "" : lowerId);
        if (upperId != null) {
          q.setString(i++, upperId);
        }
        q.setLong(i++, cutoff);
        if (floor != null) {
          q.setString(i++, floor);
        } else if (!newestPage) {
          q.setString(i++, stream);
          q.setString(i++, gone == null ? "" : gone);
          if (below != null) {
            q.setString(i++, below);
          }
          q.setInt(i++, keep - 1);
        }
        q.setInt(i, limit);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            rows.add(Rows.read(rs));
          }
        }
      }
      if (!c.getAutoCommit()) {
        c.commit();
      }
      if (autoCommit && !c.getAutoCommit()) {
        c.setAutoCommit(true); // a failed read's connection is closed, not reused: no finally needed
      }
      return new Kept(rows, floor);
    });
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * Stops taking appends, writes what is queued, stops the writer and closes the connections. Waits
   * for the writer a bounded time: retrying a batch takes up to {@code retryFor}, and its statements
   * time out after as long, so a writer still busy well past that is stuck in a statement whose
   * timeout the driver cannot enforce (a dead network); its connection is then cut off.
   */
  @Override
  public void close() {
    pending.close();
    if (Thread.currentThread() != writer) {
      long bound = settings.retryFor().multipliedBy(3).plusSeconds(5).toNanos();
      if (!join(bound)) {
        log.error("history writer of {} still busy {} after close; cutting off its connection, failing what is queued",
            schema.messages(), Duration.ofNanos(bound));
        writer.interrupt();
        Connection c = writerConnection;
        if (c != null) {
          abort(c);
        }
        if (!join(Duration.ofSeconds(5).toNanos())) {
          log.error("history writer of {} did not stop; leaving it", schema.messages());
        }
      }
    }
    reads.close();
  }

  /** Waits for the writer, at most {@code nanos}; whether it ended. */
  private boolean join(long nanos) {
    long deadline = System.nanoTime() + nanos;
    boolean interrupted = false;
    try {
      for (;;) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return !writer.isAlive();
        }
        try {
          writer.join(Math.max(1, left / 1_000_000));
          if (!writer.isAlive()) {
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

  /** Cuts a connection off from another thread: abort() closes the socket without a round trip. */
  private static void abort(Connection c) {
    try {
      c.abort(Runnable::run);
    } catch (SQLException | RuntimeException e) {
      ReadPool.closeQuietly(c); // a driver without abort()
    }
  }
}
