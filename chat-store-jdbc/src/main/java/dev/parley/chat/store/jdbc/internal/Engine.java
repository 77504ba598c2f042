package dev.parley.chat.store.jdbc.internal;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.history.Retention;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC history store's machinery, and its lifecycle: a queue of {@link Pending} writes, one
 * {@link Writer} thread that commits them in batches (and, with its {@link Trimmer}, applies
 * retention), and a {@link Reader} that combines the database with the queue. Thread-safe; the
 * constructor starts the writer, {@link #close} stops it.
 */
public final class Engine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);

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
      String name) {

    /** Message times below this are too old to keep; {@code Long.MIN_VALUE} when age does not count. */
    long cutoff() {
      Duration maxAge = retention.maxAge();
      if (maxAge.getSeconds() >= Long.MAX_VALUE / 1000) {
        return Long.MIN_VALUE;
      }
      return clock.millis() - maxAge.toMillis();
    }
  }

  private final Settings settings;
  private final Dialect dialect;
  private final Schema schema;
  private final Pending pending;
  private final ReadPool reads;
  private final Reader reader;
  private final Writer writer;
  private final ReadMarkers markers;

  /**
   * Connects, creates or migrates the tables, and starts the writer.
   *
   * @param settings the setup
   * @throws SQLException if the database cannot be reached or refuses the schema
   */
  public Engine(Settings settings) throws SQLException {
    this.settings = settings;
    Connection first = settings.source().connect();
    WriterConnection writing;
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
      writing = new WriterConnection(this::open, first);
    } catch (SQLException | RuntimeException e) {
      ReadPool.closeQuietly(first);
      throw e;
    }
    this.pending = new Pending(settings.queueCapacity());
    this.reads = new ReadPool(this::openForReads, settings.readConnections(), settings.readTimeout());
    this.reader = new Reader(settings, schema, pending, reads);
    this.writer = new Writer(settings, schema, pending, writing);
    this.markers = new ReadMarkers(schema, reads);
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

  /** Queues an append; the stage fails at once if the queue is full or closed. */
  public CompletableFuture<Void> append(String stream, ChatMessage message) {
    return offer(new Pending.Append(stream, message, new CompletableFuture<>()));
  }

  /** Queues a message's new version; the stage fails at once if the queue is full or closed. */
  public CompletableFuture<Void> change(String stream, ChatMessage version) {
    return offer(new Pending.Change(stream, version, new CompletableFuture<>()));
  }

  /** Queues a removal through an id, or of the whole stream for {@code null}. */
  public CompletableFuture<Void> remove(String stream, String throughId) {
    return offer(new Pending.Remove(stream, throughId, new CompletableFuture<>()));
  }

  /** Queues a removal through an id that also raises the stream's floor there. */
  public CompletableFuture<Void> clear(String stream, String throughId) {
    return offer(new Pending.Clear(stream, throughId, new CompletableFuture<>()));
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

  /** Queues a ban or mute, as an append is queued (but never refused as full); completes once committed. */
  public CompletableFuture<Void> restrict(dev.parley.chat.history.Restriction restriction) {
    return offer(new Pending.Restrict(restriction, new CompletableFuture<>()));
  }

  /** Queues the removal of a ban or mute; completes once committed. */
  public CompletableFuture<Void> lift(dev.parley.chat.history.Restriction.Kind kind, String room, String user) {
    return offer(new Pending.Lift(kind, room, user, new CompletableFuture<>()));
  }

  /** A room's bans and mutes, as committed. */
  public List<dev.parley.chat.history.Restriction> restrictions(String room) throws SQLException {
    return Restrictions.of(reads, schema, room);
  }

  /** Raises a user's read marker, on the markers' thread; completes once committed. */
  public CompletableFuture<Void> markRead(String stream, String user, String throughId) {
    return markers.mark(stream, user, throughId);
  }

  /** A user's read marker, as committed or waiting to be. */
  public java.util.Optional<String> readMarker(String stream, String user) throws SQLException {
    return markers.find(stream, user);
  }

  /** The newest messages before an id, oldest first. */
  public List<ChatMessage> before(String stream, String beforeId, int limit) throws SQLException {
    return reader.before(stream, beforeId, limit);
  }

  /** The oldest messages after an id, oldest first. */
  public List<ChatMessage> after(String stream, String afterId, int limit) throws SQLException {
    return reader.after(stream, afterId, limit);
  }

  /**
   * Whether the database answers now: a read connection from the pool, checked with {@link
   * Connection#isValid} within the read timeout.
   *
   * @throws SQLException if it does not, or the store is closed
   */
  public void check() throws SQLException {
    int timeout = seconds(settings.readTimeout());
    reads.read(c -> {
      if (!c.isValid(timeout)) {
        // Thrown, not returned, so that the pool drops the connection instead of keeping it.
        throw new SQLException("the database did not answer within " + timeout + " s");
      }
      return null;
    });
  }

  /** A JDBC query timeout: whole seconds, rounded up, at least 1 (0 would mean none). */
  static int seconds(Duration timeout) {
    long rounded = timeout.plusNanos(999_999_999).getSeconds();
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, rounded));
  }

  /**
   * Stops taking appends, writes what is queued (waiting for the writer a bounded time, see {@link
   * Writer#close}), stops the writer and closes the connections.
   */
  @Override
  public void close() {
    writer.close();
    markers.close();
    reads.close();
  }
}
