package dev.parley.chat.store.jdbc;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.internal.clock.StoreClock;
import dev.parley.chat.internal.clock.StoreClock;
import dev.parley.chat.history.Restriction;
import dev.parley.chat.history.Retention;
import dev.parley.chat.monitoring.Health;
import dev.parley.chat.store.jdbc.internal.ConnectionSource;
import dev.parley.chat.store.jdbc.internal.Engine;
import dev.parley.chat.store.jdbc.internal.RedactedUrl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A {@link HistoryStore} in a relational database: PostgreSQL, or an embedded SQLite file. Room
 * history and offline inboxes survive restarts, and every acknowledged message survives a crash: a
 * server acknowledges a message only once this store has committed it (the default {@link
 * dev.parley.chat.AckTiming#ON_COMMIT}) unless configured otherwise.
 *
 * <pre>{@code
 * JdbcHistoryStore store = JdbcHistoryStore.builder()
 *     .file(Path.of("parley-data/history.db"))        // or .url("jdbc:postgresql://db/chat", "chat", secret)
 *     .build();
 * ChatServer chat = ChatServer.builder().historyStore(store).build(); // chat.close() closes the store
 * }</pre>
 *
 * <p>{@link #append} queues the message in memory and returns at once; a single writer thread commits
 * the queue in batches, one transaction each, and completes each message's stage after its commit.
 * This is a group commit: whatever queued up during one commit goes into the next, so many senders
 * share one commit (and one fsync), and {@code ON_COMMIT} keeps up under load.
 * When the queue is full (the database is slow or down) appends fail at once, and the server answers
 * the sender {@link dev.parley.chat.ErrorCodes#HISTORY_UNAVAILABLE}: the message was delivered but
 * is not kept. Reads look
 * at the queue and the database together, so they see appends that are not committed yet. The writer
 * also deletes, every {@link Builder#trimInterval}, what the {@link Retention} no longer keeps; reads
 * never return such messages even before that.
 *
 * <p>The tables, their schema version and migrations are created at {@link Builder#build()}; see
 * docs/stores.md. The JDBC driver is the application's dependency: {@code org.xerial:sqlite-jdbc} or
 * {@code org.postgresql:postgresql}.
 */
public final class JdbcHistoryStore implements HistoryStore {
  private static final AtomicInteger STORES = new AtomicInteger();

  private final Engine engine;
  private final Retention retention;
  private final String description;
  private final StoreClock clock;

  private JdbcHistoryStore(Engine engine, Retention retention, String description, StoreClock clock) {
    this.engine = engine;
    this.retention = retention;
    this.description = description;
    this.clock = clock;
  }

  /**
   * {@inheritDoc}
   *
   * <p>A store built without {@link Builder#clock} ages messages by {@code clock} from then on, in its
   * reads and its trims; one built with a clock keeps it.
   *
   * @throws IllegalArgumentException if this store was built with a clock not equal to {@code clock}
   */
  @Override
  public void useServerClock(Clock clock) {
    this.clock.useServerClock(clock);
  }

  /**
   * A builder with the defaults; set where the database is with {@link Builder#file}, {@link
   * Builder#url} or {@link Builder#dataSource}.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Always {@code true}: what is committed is in the database, whatever happens to the process, so
   * clients of an earlier run of the server may recover from it.
   */
  @Override
  public boolean persistent() {
    return true;
  }

  @Override
  public Retention retention() {
    return retention;
  }

  @Override
  public CompletionStage<Void> append(String stream, ChatMessage message) {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(message, "message");
    return engine.append(stream, message);
  }

  /** {@inheritDoc} Queued with the appends, and counted against the same queue capacity. */
  @Override
  public CompletionStage<Void> change(String stream, ChatMessage version) {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(version, "version");
    return engine.change(stream, version);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if the database could not be read
   */
  @Override
  public List<ChatMessage> before(String stream, String beforeId, int limit) {
    try {
      return engine.before(stream, beforeId, limit);
    } catch (SQLException e) {
      throw readFailed(stream, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if the database could not be read
   */
  @Override
  public List<ChatMessage> after(String stream, String afterId, int limit) {
    try {
      return engine.after(stream, afterId, limit);
    } catch (SQLException e) {
      throw readFailed(stream, e);
    }
  }

  private IllegalStateException readFailed(String stream, SQLException e) {
    return new IllegalStateException("Could not read the history of " + stream + " from " + description, e);
  }

  @Override
  public CompletionStage<Void> remove(String stream, String throughId) {
    Objects.requireNonNull(stream, "stream");
    return engine.remove(stream, throughId);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The floor is kept in the database (the {@code <prefix>floors} table), so it holds for every
   * store on the same tables (every node of a cluster) and across restarts. Queued like an append;
   * appends queued after it that it drops complete normally.
   */
  @Override
  public CompletionStage<Void> clear(String stream, String throughId) {
    Objects.requireNonNull(stream, "stream");
    if (throughId == null) {
      return CompletableFuture.completedFuture(null);
    }
    return engine.clear(stream, throughId);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Kept in the {@code <prefix>bans} or {@code <prefix>mutes} table, so it holds for every store
   * on the same tables (every node of a cluster) and across restarts. Queued and committed by the
   * writer as appends are, under the same retries: the stage completes once committed, and fails as
   * an append's would. A full queue does not refuse it.
   */
  @Override
  public CompletionStage<Void> restrict(Restriction restriction) {
    Objects.requireNonNull(restriction, "restriction");
    return engine.restrict(restriction);
  }

  /** {@inheritDoc} Queued and committed as {@link #restrict} is. */
  @Override
  public CompletionStage<Void> lift(Restriction.Kind kind, String room, String user) {
    return engine.lift(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(room, "room"),
        Objects.requireNonNull(user, "user"));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Kept in the {@code <prefix>reads} table, so it holds for every store on the same tables (every
   * node of a cluster) and across restarts. Written on a thread of the store's own, not queued with
   * the appends; while one write of a marker waits, newer ones of the same marker join it, so a
   * client that reads fast costs one write at a time. The stage fails if the database refuses.
   */
  @Override
  public CompletionStage<Void> markRead(String stream, String user, String throughId) {
    return engine.markRead(Objects.requireNonNull(stream, "stream"), Objects.requireNonNull(user, "user"),
        Objects.requireNonNull(throughId, "throughId"));
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if the database could not be read
   */
  @Override
  public java.util.Optional<String> readMarker(String stream, String user) {
    try {
      return engine.readMarker(stream, user);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read a read marker of " + stream + " from " + description, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if the database could not be read
   */
  @Override
  public List<Restriction> restrictions(String room) {
    try {
      return engine.restrictions(Objects.requireNonNull(room, "room"));
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read the bans and mutes of " + room + " from " + description, e);
    }
  }

  /**
   * Stops taking appends, commits everything queued (retrying a failing database for up to {@link
   * Builder#retryFor}), then closes the connections. Blocks until done, or at most about three times
   * {@code retryFor}: a writer stuck longer (in a statement whose timeout the driver cannot enforce)
   * has its connection cut off, and what it had not committed fails.
   */
  /**
   * UP when a read connection answers {@link java.sql.Connection#isValid} within {@link
   * Builder#readTimeout}; DOWN when it does not, when every read connection stays busy that long, or
   * once the store is closed. Blocks for at most about twice the read timeout.
   */
  @Override
  public Health health() {
    try {
      engine.check();
      return Health.up(engine.dialect().toString());
    } catch (SQLException | RuntimeException e) {
      return Health.down(e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    return "JdbcHistoryStore{" + description + ", " + engine.dialect() + ", table " + engine.messagesTable()
        + ", " + retention + '}';
  }

  /**
   * Sets up a {@link JdbcHistoryStore}. Only where the database is must be set; every other option
   * has a default, given on its method.
   */
  public static final class Builder {
    private ConnectionSource source;
    private String description;
    private Retention retention = Retention.messages(10_000).maxAge(Duration.ofDays(30));
    private Clock clock;
    private String tablePrefix = "parley_";
    private int queueCapacity = 10_000;
    private int batchSize = 500;
    private Duration linger = Duration.ZERO;
    private Duration trimInterval = Duration.ofMinutes(1);
    private Duration retryFor = Duration.ofSeconds(30);
    private int readConnections = 4;
    private Duration readTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /**
     * An embedded SQLite database in this file, created with its directories if missing. Needs
     * {@code org.xerial:sqlite-jdbc} on the class path.
     *
     * @param file the database file, such as {@code parley-data/history.db}
     * @return this builder
     * @throws UncheckedIOException if the directory cannot be created
     */
    public Builder file(Path file) {
      Path absolute = file.toAbsolutePath();
      try {
        Files.createDirectories(absolute.getParent());
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create the directory of " + absolute, e);
      }
      return url("jdbc:sqlite:" + absolute);
    }

    /**
     * A database at a JDBC URL, {@code jdbc:postgresql://...} or {@code jdbc:sqlite:...}, with no
     * user and password (or with them in the URL). Connections come from {@link DriverManager}.
     *
     * @param url the JDBC URL
     * @return this builder
     */
    public Builder url(String url) {
      return url(url, null, null);
    }

    /**
     * A database at a JDBC URL, with a user and password. Connections come from {@link
     * DriverManager}: one for the writer and up to {@link #readConnections} for reads, kept open.
     *
     * @param url the JDBC URL
     * @param user the user, or {@code null}
     * @param password the password, or {@code null}
     * @return this builder
     */
    public Builder url(String url, String user, String password) {
      Objects.requireNonNull(url, "url");
      Properties properties = new Properties();
      if (user != null) {
        properties.setProperty("user", user);
      }
      if (password != null) {
        properties.setProperty("password", password);
      }
      this.source = () -> DriverManager.getConnection(url, properties);
      this.description = RedactedUrl.of(url); // it appears in messages that are logged
      return this;
    }

    /**
     * A database behind a {@link DataSource}, such as the application's connection pool. The store
     * holds one connection for its writer and returns the read connections it uses to the source
     * only when closed, so give the pool room for {@link #readConnections} plus one.
     *
     * @param dataSource where connections come from
     * @return this builder
     */
    public Builder dataSource(DataSource dataSource) {
      Objects.requireNonNull(dataSource, "dataSource");
      this.source = dataSource::getConnection;
      this.description = dataSource.toString();
      return this;
    }

    /**
     * What is kept per stream. Default: 10,000 messages and 30 days.
     *
     * @param retention the retention
     * @return this builder
     */
    public Builder retention(Retention retention) {
      this.retention = Objects.requireNonNull(retention, "retention");
      return this;
    }

    /**
     * The clock message ages are measured with. Default: the clock of the server that uses the store
     * ({@link HistoryStore#useServerClock}), the system UTC clock until then. A server on a different
     * clock refuses a store built with this one.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Prefix of the table names, so that several stores (or applications) can share a database or
     * schema: the tables are {@code <prefix>messages}, {@code <prefix>floors} and {@code
     * <prefix>schema_version}. Default
     * {@code parley_}.
     *
     * @param prefix letters, digits and underscores, not starting with a digit
     * @return this builder
     */
    public Builder tablePrefix(String prefix) {
      this.tablePrefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /**
     * Most appends waiting for the database; past it appends fail at once. Default 10,000.
     *
     * @param messages at least 1
     * @return this builder
     */
    public Builder queueCapacity(int messages) {
      this.queueCapacity = positive(messages, "queueCapacity");
      return this;
    }

    /**
     * Most messages (and removals) committed in one transaction. Default 500.
     *
     * @param operations at least 1
     * @return this builder
     */
    public Builder batchSize(int operations) {
      this.batchSize = positive(operations, "batchSize");
      return this;
    }

    /**
     * How long the writer waits for a batch to fill before committing. Default zero: it commits as
     * soon as anything is queued, and batches form by themselves while a commit is under way. A few
     * milliseconds trade acknowledgement latency under {@code ON_COMMIT} for fewer commits.
     *
     * @param linger zero or more
     * @return this builder
     */
    public Builder linger(Duration linger) {
      this.linger = notNegative(linger, "linger");
      return this;
    }

    /**
     * How often the writer deletes messages past the retention. Default 1 minute.
     *
     * @param interval positive
     * @return this builder
     */
    public Builder trimInterval(Duration interval) {
      this.trimInterval = positive(interval, "trimInterval");
      return this;
    }

    /**
     * How long a batch the database refuses is retried (with backoff) before its appends fail.
     * Meanwhile the queue fills and further appends fail at once. Default 30 seconds. Only errors
     * that may pass are retried: a message whose data the database refuses (SQLSTATE class 22 or 23,
     * such as NUL in PostgreSQL text) fails at once, alone, and the rest of its batch is committed.
     *
     * @param duration positive
     * @return this builder
     */
    public Builder retryFor(Duration duration) {
      this.retryFor = positive(duration, "retryFor");
      return this;
    }

    /**
     * Most connections reads use at once; reads beyond it wait. Default 4.
     *
     * @param connections at least 1
     * @return this builder
     */
    public Builder readConnections(int connections) {
      this.readConnections = positive(connections, "readConnections");
      return this;
    }

    /**
     * How long a read (a history page, a recovery) may take: first waiting for one of the {@link
     * #readConnections}, then its statement (a JDBC query timeout, in whole seconds rounded up). A read
     * that takes longer, such as one behind a lock another connection holds on the table, fails with
     * an {@link IllegalStateException}, and the server answers {@link
     * dev.parley.chat.ErrorCodes#HISTORY_UNAVAILABLE} instead of holding a worker thread. Default 10
     * seconds.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "readTimeout");
      return this;
    }

    /**
     * Connects, creates or migrates the tables, and starts the writer thread.
     *
     * @return the store
     * @throws IllegalStateException if no database was set, or it cannot be reached or migrated
     */
    public JdbcHistoryStore build() {
      if (source == null) {
        throw new IllegalStateException("Set the database with file(), url() or dataSource()");
      }
      StoreClock storeClock = new StoreClock(clock);
      Engine.Settings settings = new Engine.Settings(source, tablePrefix, retention, storeClock, queueCapacity,
          batchSize, linger, trimInterval, retryFor, readConnections, readTimeout,
          "parley-history-writer-" + STORES.incrementAndGet());
      try {
        return new JdbcHistoryStore(new Engine(settings), retention, description, storeClock);
      } catch (SQLException e) {
        throw new IllegalStateException("Could not open the history store at " + description + ": " + e.getMessage(), e);
      }
    }

    private static int positive(int value, String name) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1, was " + value);
      }
      return value;
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + value);
      }
      return value;
    }

    private static Duration notNegative(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative, was " + value);
      }
      return value;
    }
  }
}
