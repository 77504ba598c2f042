package dev.parley.chat.netty;

import dev.parley.chat.internal.concurrent.Threads;
import dev.parley.chat.ChatServer;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.monitoring.Health;
import dev.parley.chat.netty.internal.EventLoops;
import dev.parley.chat.netty.internal.NettyServer;
import dev.parley.chat.netty.internal.WarmUp;
import dev.parley.chat.netty.internal.EngineIoServer;
import dev.parley.chat.netty.internal.socketio.ChatBridge;
import dev.parley.chat.netty.internal.socketio.SocketIoRuntime;
import dev.parley.chat.socketio.ChatEvents;
import dev.parley.chat.socketio.SocketIo;
import dev.parley.chat.socketio.SocketIoConfig;
import io.netty.channel.IoEventLoopGroup;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves chat over the network with Netty, on one port: Parley's JSON protocol over WebSocket at
 * {@link NettyConfig#path()} (docs/protocol.md), Socket.IO v4 at {@link SocketIoConfig#path()} for
 * any stock socket.io client (docs/socket-io.md), and optionally static files such as a browser
 * client.
 *
 * <pre>{@code
 * NettyChatServer server = NettyChatServer.create(chat, NettyConfig.builder().port(8080).build());
 * server.start().toCompletableFuture().join();
 * // ...
 * server.stop().toCompletableFuture().join();
 * chat.close();
 * }</pre>
 *
 * <p>Netty's I/O threads only decode, encode and write; chat hooks run on the chat server's hook
 * executor, Socket.IO handlers and HTTP routes on a worker pool. A server is started once and
 * stopped once; stopping does not close the {@link ChatServer}, which may outlive it.
 *
 * <p>Ownership: by default the server makes its own event loops at {@link #start()} and its own
 * worker pool (whose threads end when idle, so a server built and never started holds none), and
 * shuts both down in {@link #stop()}. Event loops given to {@link Builder#eventLoopGroups} and an
 * executor given to {@link Builder#workerExecutor} stay the application's: the server uses them and
 * never shuts them down, not even in {@code stop()}; shut them down yourself after {@code stop()}'s
 * stage completes.
 *
 * <p>Threading: every method is safe from any thread.
 */
public final class NettyChatServer {
  private static final Logger log = LoggerFactory.getLogger(NettyChatServer.class);
  private final NettyServer server;
  private final EngineIoServer engineIo;
  private final SocketIoRuntime socketIo;
  /** {@link #socketIo}, or {@link #DISABLED} without it. */
  private final SocketIo socketIoApi;

  private static final SocketIo DISABLED = name -> {
    throw new IllegalStateException("Socket.IO is disabled on this server (SocketIoConfig.enabled(false))");
  };
  /** The worker pool this server made, which it shuts down; null when it has none or was given one. */
  private final ExecutorService ownWorkers;
  private final ChatServer chat;
  private final NettyConfig config;
  private final SocketIoConfig socketIoConfig;
  private final ChatEvents chatEvents;
  private volatile InetSocketAddress address;
  /** Written under this: a stop during the warm-up ends it, and keeps the server from listening after it. */
  private volatile boolean stopped;
  private final AtomicBoolean started = new AtomicBoolean();
  /** Completed when the warm-up, if any, is over and has let go of its port and threads. */
  private final CompletableFuture<Void> warmedUp = new CompletableFuture<>();

  private NettyChatServer(Builder b) {
    this.chat = b.chat;
    this.config = b.config;
    this.socketIoConfig = b.socketIoConfig;
    this.chatEvents = b.chatEvents;
    ChatMetrics metrics = b.chat == null ? ChatMetrics.NONE : b.chat.metrics();
    if (b.chat != null && b.socketIoConfig.enabled() && (b.config.path() + "/").startsWith(b.socketIoConfig.path())) {
      throw new IllegalArgumentException("The JSON endpoint's path " + b.config.path()
          + " clashes with the Socket.IO path " + b.socketIoConfig.path());
    }
    Executor workers = b.workerExecutor;
    if (workers == null && (b.socketIoConfig.enabled() || !b.httpRoutes.isEmpty())) {
      AtomicInteger count = new AtomicInteger();
      ThreadPoolExecutor pool = new ThreadPoolExecutor(Threads.defaultPoolSize(), Threads.defaultPoolSize(),
          60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
          r -> Threads.daemon(r, "parley-socketio-" + count.incrementAndGet()));
      pool.allowCoreThreadTimeOut(true); // no threads until there is work, none left once idle
      this.ownWorkers = pool;
      workers = pool;
    } else {
      this.ownWorkers = null;
    }
    if (b.socketIoConfig.enabled()) {
      this.socketIo = new SocketIoRuntime(b.socketIoConfig, workers);
      if (b.chat != null) {
        socketIo.link(b.chat);
        ChatBridge.install(b.chat, b.chatEvents, socketIo.namespace("/"));
      }
      b.socketIoSetup.accept(socketIo);
    } else {
      this.socketIo = null;
    }
    this.socketIoApi = socketIo != null ? socketIo : DISABLED;
    this.engineIo = socketIo == null ? null : new EngineIoServer(new EngineIoServer.Settings(
        b.socketIoConfig.path(),
        b.config.pingInterval().toMillis(),
        b.config.pingTimeout().toMillis(),
        b.socketIoConfig.maxPayload(),
        b.socketIoConfig.upgradeTimeout().toMillis(),
        b.config.maxQueuedBytes(),
        b.config.allowedOrigins()), socketIo, metrics, b.socketIoConfig.serveClient());
    this.server = new NettyServer(b.config, b.chat == null ? null : NettyServer.jsonEndpoint(b.chat, b.config),
        engineIo == null ? List.of() : List.of(engineIo), b.httpRoutes, workers, b.eventLoops);
    metrics.gauge(ChatMetrics.Gauge.OUTBOUND_QUEUE_BYTES, server::queuedBytes);
  }

  /**
   * A server for {@code chat} over both protocols: the JSON protocol, and Socket.IO with the {@link
   * ChatEvents#defaults() default event names}. Nothing is bound until {@link #start()}.
   *
   * @param chat the chat server clients talk to
   * @param config network settings
   * @return the server, not yet started
   */
  public static NettyChatServer create(ChatServer chat, NettyConfig config) {
    return builder(config).chat(chat).build();
  }

  /** A builder, for Socket.IO handlers of your own, other event names, or Socket.IO settings. */
  public static Builder builder(NettyConfig config) {
    return new Builder(config);
  }

  /**
   * Reads the {@linkplain NettyConfig#tls() TLS} files, if any, then binds the port and starts
   * accepting connections. With {@link NettyConfig#warmUpConnections()}, the warm-up runs first, on a
   * thread of its own ({@code parley-warm-up}), and the port is bound after it.
   *
   * @return a stage completed with this server once it listens, or failed if the port could not be
   *     bound, or failed with an {@link IllegalArgumentException} if the TLS files could not be read,
   *     or failed with an {@link IllegalStateException} if {@link #stop()} was called during the
   *     warm-up
   * @throws IllegalStateException if called twice
   */
  public CompletionStage<NettyChatServer> start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("already started");
    }
    if (config.warmUpConnections() == 0 || chat == null) {
      warmedUp.complete(null);
      return listen();
    }
    CompletableFuture<NettyChatServer> listening = new CompletableFuture<>();
    Threads.daemon(() -> {
      try {
        WarmUp.run(config.warmUpConnections(), config, socketIoConfig, chatEvents, chat.config(), () -> stopped);
      } catch (Throwable e) {
        // The warm-up is an optimisation: whatever ends it, the server still starts.
        log.error("warm-up failed; starting without it", e);
      } finally {
        warmedUp.complete(null);
      }
      CompletionStage<NettyChatServer> bound;
      synchronized (this) {
        try {
          bound = stopped
              ? CompletableFuture.failedFuture(new IllegalStateException("stopped during the warm-up"))
              : listen();
        } catch (RuntimeException e) {
          bound = CompletableFuture.failedFuture(e); // the caller waits on the stage, not on this thread
        }
      }
      bound.whenComplete((s, failure) -> {
        if (failure != null) {
          listening.completeExceptionally(failure);
        } else {
          listening.complete(s);
        }
      });
    }, "parley-warm-up").start();
    return listening;
  }

  private CompletionStage<NettyChatServer> listen() {
    return server.start().thenApply(bound -> {
      this.address = bound;
      return this;
    });
  }

  /** The port listened on (useful with port 0); -1 before the server started. */
  public int port() {
    InetSocketAddress a = address;
    return a == null ? -1 : a.getPort();
  }

  /** The address listened on, or {@code null} before the server started. */
  public InetSocketAddress address() {
    return address;
  }

  /**
   * The Engine.IO server, or {@code null}: package-private test access, for tests that must know a
   * long-poll reached the server (which no client can see) before they go on.
   */
  EngineIoServer engineIo() {
    return engineIo;
  }

  /**
   * The Socket.IO side, for emitting from server code; never {@code null}. When Socket.IO is
   * {@linkplain SocketIoConfig#enabled() disabled} it is a stand-in whose every method throws
   * {@link IllegalStateException}, so a call that could never reach a client fails loudly.
   */
  public SocketIo socketIo() {
    return socketIoApi;
  }

  /**
   * Whether this server is ready for clients: {@link ChatServer#health()} of the chat server it
   * serves (its parts {@code "server"}, {@code "store"}, {@code "cluster"}), with a part {@code
   * "transport"} that is UP from the end of {@link #start()} until {@link #stop()} begins. Without a
   * chat server, only {@code "transport"}. Call it from a thread that may block briefly (an {@link
   * HttpRoute} does): the chat server asks its history store.
   *
   * @return the health, a new value each call
   */
  public Health health() {
    Health transport = server.listening() ? Health.up("listening on port " + port())
        : Health.down(address == null ? "not started" : "stopped");
    Health whole = chat == null ? Health.of(java.util.Map.of()) : chat.health();
    return whole.with("transport", transport);
  }

  /**
   * Stops accepting connections, sends every client close 1001 ("server shutting down") and every
   * Socket.IO client a close, waits up to {@link NettyConfig#shutdownTimeout()} for them to close,
   * closes the rest, and stops the I/O threads. Safe to call more than once. Logs at INFO what it
   * closed, how many bytes of pending writes it flushed first, and how long it took. During a
   * {@linkplain NettyConfig#warmUpConnections() warm-up} it ends the warm-up, whose connections close
   * at once, and its stage completes after the warm-up's private server has stopped too.
   *
   * @return a stage completed when everything is closed
   */
  public CompletionStage<Void> stop() {
    synchronized (this) {
      stopped = true;
      if (!started.get()) {
        warmedUp.complete(null); // never started: no warm-up to wait for
      }
    }
    // A warm-up under way sees the stop, closes its connections and stops its private server.
    return warmedUp.thenCompose(v -> server.stop()).whenComplete((v, e) -> {
      if (socketIo != null) {
        socketIo.unlink();
      }
      if (ownWorkers != null) {
        ownWorkers.shutdown();
      }
    });
  }

  /** Builds a {@link NettyChatServer}. */
  public static final class Builder {
    private final NettyConfig config;
    private ChatServer chat;
    private ChatEvents chatEvents = ChatEvents.defaults();
    private SocketIoConfig socketIoConfig = SocketIoConfig.defaults();
    private Consumer<SocketIo> socketIoSetup = io -> {};
    private final Map<String, HttpRoute> httpRoutes = new LinkedHashMap<>();
    private EventLoops eventLoops;
    private Executor workerExecutor;

    private Builder(NettyConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Serves this chat server: over the JSON protocol, and over Socket.IO on the main namespace with
     * the {@link #chatEvents(ChatEvents) chat events}. Without it there is no JSON endpoint.
     */
    public Builder chat(ChatServer chat) {
      this.chat = Objects.requireNonNull(chat, "chat");
      return this;
    }

    /** Socket.IO event names for the chat server. Default {@link ChatEvents#defaults()}. */
    public Builder chatEvents(ChatEvents events) {
      this.chatEvents = Objects.requireNonNull(events, "events");
      return this;
    }

    /** Socket.IO settings. Default {@link SocketIoConfig#defaults()} (enabled at /socket.io/). */
    public Builder socketIo(SocketIoConfig config) {
      this.socketIoConfig = Objects.requireNonNull(config, "config");
      return this;
    }

    /** Registers Socket.IO namespaces and handlers of your own. */
    public Builder onSocketIo(Consumer<SocketIo> setup) {
      this.socketIoSetup = Objects.requireNonNull(setup, "setup");
      return this;
    }

    /**
     * Answers plain HTTP requests to exactly this path (any method; the query does not count) with
     * a route of your own, for example a login form. The Socket.IO and JSON endpoints' paths take
     * precedence; a route takes precedence over a static file of the same path. See {@link
     * HttpRoute} for what runs where.
     *
     * @param path the path, starting with {@code /}
     * @param route answers the requests
     * @throws IllegalArgumentException if the path does not start with {@code /} or has a route
     */
    public Builder httpRoute(String path, HttpRoute route) {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(route, "route");
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("path must start with '/', was " + path);
      }
      if (httpRoutes.putIfAbsent(path, route) != null) {
        throw new IllegalArgumentException("path " + path + " already has a route");
      }
      return this;
    }

    /**
     * Runs the server on event loops of yours instead of its own: {@code boss} accepts connections,
     * {@code io} serves them (both {@code MultiThreadIoEventLoopGroup}s, both epoll or both NIO; the
     * server's channels are of the same kind, and {@link NettyConfig#ioThreads()} and {@link
     * NettyConfig#nativeTransport()} are then not used). The groups stay yours: the server never
     * shuts them down, not even in {@link NettyChatServer#stop()}. Default: loops of its own.
     *
     * @throws IllegalArgumentException if the groups do not both run epoll or both NIO
     */
    public Builder eventLoopGroups(IoEventLoopGroup boss, IoEventLoopGroup io) {
      this.eventLoops = EventLoops.of(boss, io);
      return this;
    }

    /**
     * Runs Socket.IO handlers and {@linkplain #httpRoute HTTP routes} on this executor instead of a
     * pool of the server's own. It may block in them, so give it enough threads. It stays yours:
     * the server never shuts it down. An executor that refuses work makes a Socket.IO socket's
     * handler calls wait and be offered again, never dropped. Default: a pool of twice the cores
     * (at least 4) daemon threads, shut down by {@link NettyChatServer#stop()}.
     */
    public Builder workerExecutor(Executor executor) {
      this.workerExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Builds the server; nothing is bound until {@link NettyChatServer#start()}. */
    public NettyChatServer build() {
      return new NettyChatServer(this);
    }
  }
}
