package dev.parley.chat.netty;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.parley.chat.netty.internal.TrustedProxies;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Network settings of a {@link NettyChatServer}. Immutable; build one with {@link #builder()} and
 * change a copy with {@link #toBuilder()}. Every option has a default, given on its builder method and
 * in docs/configuration.md.
 *
 * <p>Why one class of over 500 lines: it is some thirty options, each a field, a getter, a builder
 * method and the Javadoc that states its default; there is no second job to split off, and options
 * spread over several types would be harder to find (docs/configuration.md lists them in one table).
 */
public final class NettyConfig {
  // Over 500 lines on purpose: one job, an immutable value and its builder, where every option is a
  // field, an accessor, a builder setter and a check, each documented. Its length is the number of
  // options; splitting them into groups would add public types for no separated logic.
  private final String host;
  private final int port;
  private final String path;
  private final int maxFrameBytes;
  private final int maxQueuedBytes;
  private final Duration pingInterval;
  private final Duration pingTimeout;
  private final Duration handshakeTimeout;
  private final Duration shutdownTimeout;
  private final int ioThreads;
  private final boolean nativeTransport;
  private final String staticResources;
  private final Set<String> allowedOrigins;
  private final int maxConnections;
  private final int maxConnectionsPerAddress;
  private final int maxPendingHandshakes;
  private final int maxPendingHandshakesPerAddress;
  private final int acceptsPerSecond;
  private final int acceptBurst;
  private final Set<String> trustedProxies;
  private final Tls tls;
  private final boolean perMessageDeflate;
  private final int warmUpConnections;

  private NettyConfig(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.path = b.path;
    this.maxFrameBytes = b.maxFrameBytes;
    this.maxQueuedBytes = b.maxQueuedBytes;
    this.pingInterval = b.pingInterval;
    this.pingTimeout = b.pingTimeout;
    this.handshakeTimeout = b.handshakeTimeout;
    this.shutdownTimeout = b.shutdownTimeout;
    this.ioThreads = b.ioThreads;
    this.nativeTransport = b.nativeTransport;
    this.staticResources = b.staticResources;
    this.allowedOrigins = b.allowedOrigins;
    this.maxConnections = b.maxConnections;
    this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
    this.maxPendingHandshakes = b.maxPendingHandshakes;
    this.maxPendingHandshakesPerAddress = b.maxPendingHandshakesPerAddress;
    this.acceptsPerSecond = b.acceptsPerSecond;
    this.acceptBurst = b.acceptBurst;
    this.trustedProxies = b.trustedProxies;
    this.tls = b.tls;
    this.perMessageDeflate = b.perMessageDeflate;
    this.warmUpConnections = b.warmUpConnections;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.port = port;
    b.path = path;
    b.maxFrameBytes = maxFrameBytes;
    b.maxQueuedBytes = maxQueuedBytes;
    b.pingInterval = pingInterval;
    b.pingTimeout = pingTimeout;
    b.handshakeTimeout = handshakeTimeout;
    b.shutdownTimeout = shutdownTimeout;
    b.ioThreads = ioThreads;
    b.nativeTransport = nativeTransport;
    b.staticResources = staticResources;
    b.allowedOrigins = allowedOrigins;
    b.maxConnections = maxConnections;
    b.maxConnectionsPerAddress = maxConnectionsPerAddress;
    b.maxPendingHandshakes = maxPendingHandshakes;
    b.maxPendingHandshakesPerAddress = maxPendingHandshakesPerAddress;
    b.acceptsPerSecond = acceptsPerSecond;
    b.acceptBurst = acceptBurst;
    b.trustedProxies = trustedProxies;
    b.tls = tls;
    b.perMessageDeflate = perMessageDeflate;
    b.warmUpConnections = warmUpConnections;
    return b;
  }

  /** Address to listen on. */
  public String host() {
    return host;
  }

  /** Port to listen on; 0 picks a free one. */
  public int port() {
    return port;
  }

  /** Path of the WebSocket endpoint. */
  public String path() {
    return path;
  }

  /**
   * Largest WebSocket frame, and largest message after reassembling fragments, in bytes, on the JSON
   * endpoint; Socket.IO's WebSocket messages are bounded by {@link
   * dev.parley.chat.socketio.SocketIoConfig#maxPayload()} instead. Also the largest HTTP request
   * body that declares a {@code Content-Length} outside Socket.IO long-polling (routes, files, the
   * JSON endpoint's handshake). A body without {@code Content-Length} (chunked) is bounded only by
   * what the server buffers for any request: the larger of 8 KiB and the Socket.IO {@code
   * maxPayload}, or 8 KiB with Socket.IO disabled, which then caps declared lengths too.
   */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /** Bytes that may wait for a slow client before it is disconnected. */
  public int maxQueuedBytes() {
    return maxQueuedBytes;
  }

  /** How often the server pings each client. */
  public Duration pingInterval() {
    return pingInterval;
  }

  /** How long a client has to show any sign of life after a ping. */
  public Duration pingTimeout() {
    return pingTimeout;
  }

  /** How long a new TCP connection may take to complete its HTTP request or WebSocket upgrade. */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /** How long {@link NettyChatServer#stop()} waits for clients to close before closing them hard. */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /** Number of I/O threads; 0 means Netty's default (twice the processors). */
  public int ioThreads() {
    return ioThreads;
  }

  /** Whether to use the native epoll transport where it is available. */
  public boolean nativeTransport() {
    return nativeTransport;
  }

  /** Class-path folder served over HTTP (for example {@code "web"}), or {@code null} for none. */
  public String staticResources() {
    return staticResources;
  }

  /**
   * Whether WebSocket clients may negotiate per-message compression (permessage-deflate, RFC 7692),
   * on the JSON and Socket.IO endpoints alike. A message is bounded after inflating by the endpoint's
   * message limit ({@link #maxFrameBytes()}, or Socket.IO's {@code maxPayload}): a message that
   * would inflate past it closes the connection with 1009.
   */
  public boolean perMessageDeflate() {
    return perMessageDeflate;
  }

  /**
   * How many connections of its own the server serves before its first client's; see {@link
   * Builder#warmUpConnections(int)}.
   */
  public int warmUpConnections() {
    return warmUpConnections;
  }

  /** Origins allowed to open WebSockets; empty means same-origin only, {@code "*"} means any. */
  public Set<String> allowedOrigins() {
    return allowedOrigins;
  }

  /** Most connections open at once (JSON, Socket.IO and plain HTTP alike). */
  public int maxConnections() {
    return maxConnections;
  }

  /** Most connections open at once from one client address. */
  public int maxConnectionsPerAddress() {
    return maxConnectionsPerAddress;
  }

  /** Most connections at once that have not yet completed their first HTTP request. */
  public int maxPendingHandshakes() {
    return maxPendingHandshakes;
  }

  /** Most connections from one client address that have not yet completed their first HTTP request. */
  public int maxPendingHandshakesPerAddress() {
    return maxPendingHandshakesPerAddress;
  }

  /** New connections accepted per second, on average. */
  public int acceptsPerSecond() {
    return acceptsPerSecond;
  }

  /** New connections that may be accepted at once, above the average rate. */
  public int acceptBurst() {
    return acceptBurst;
  }

  /** Addresses and CIDR blocks of reverse proxies whose {@code X-Forwarded-For} is believed. */
  public Set<String> trustedProxies() {
    return trustedProxies;
  }

  /** The certificate and key served over TLS, or {@code null} for plain HTTP and {@code ws://}. */
  public Tls tls() {
    return tls;
  }

  /**
   * The default of {@link #maxConnections()}: the process's open-file limit less a headroom of a
   * tenth of it (at least 256, at most half of it), for the files, sockets and database connections
   * the process needs besides its clients and for refusals being answered; 10,000 where the limit
   * cannot be read (not a Unix system, or no {@code jdk.management} module).
   */
  public static int defaultMaxConnections() {
    long limit = maxFileDescriptors();
    if (limit <= 0) {
      return 10_000;
    }
    long headroom = Math.min(limit / 2, Math.max(256, limit / 10));
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, limit - headroom));
  }

  private static long maxFileDescriptors() {
    try {
      if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
        return unix.getMaxFileDescriptorCount();
      }
    } catch (LinkageError e) {
      // jdk.management left out of a custom runtime image
    }
    return -1;
  }

  @Override
  public String toString() {
    return "NettyConfig{host=" + host + ", port=" + port + ", path=" + path
        + ", maxFrameBytes=" + maxFrameBytes + ", maxQueuedBytes=" + maxQueuedBytes
        + ", pingInterval=" + pingInterval + ", pingTimeout=" + pingTimeout
        + ", handshakeTimeout=" + handshakeTimeout + ", shutdownTimeout=" + shutdownTimeout
        + ", ioThreads=" + ioThreads + ", nativeTransport=" + nativeTransport
        + ", staticResources=" + staticResources + ", allowedOrigins=" + allowedOrigins
        + ", maxConnections=" + maxConnections + ", maxConnectionsPerAddress=" + maxConnectionsPerAddress
        + ", maxPendingHandshakes=" + maxPendingHandshakes
        + ", maxPendingHandshakesPerAddress=" + maxPendingHandshakesPerAddress + ", acceptsPerSecond=" + acceptsPerSecond
        + ", acceptBurst=" + acceptBurst + ", trustedProxies=" + trustedProxies + ", tls=" + tls + ", perMessageDeflate=" + perMessageDeflate
        + ", warmUpConnections=" + warmUpConnections + '}';
  }

  /** Builds a {@link NettyConfig}; {@link #build()} checks the values. */
  public static final class Builder {
    private String host = "0.0.0.0";
    private int port = 8080;
    private String path = "/chat";
    private int maxFrameBytes = 64 * 1024;
    private int maxQueuedBytes = 1024 * 1024;
    private Duration pingInterval = Duration.ofSeconds(25);
    private Duration pingTimeout = Duration.ofSeconds(20);
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    private int ioThreads = 0;
    private boolean nativeTransport = true;
    private String staticResources;
    private Set<String> allowedOrigins = Set.of();
    private int maxConnections = defaultMaxConnections();
    private int maxConnectionsPerAddress = 1000;
    private int maxPendingHandshakes = 1000;
    private int maxPendingHandshakesPerAddress = 100;
    private int acceptsPerSecond = 1000;
    private int acceptBurst = 2000;
    private Set<String> trustedProxies = Set.of();
    private Tls tls;
    private boolean perMessageDeflate;
    private int warmUpConnections;

    private Builder() {}

    /**
     * Lets WebSocket clients negotiate per-message compression (permessage-deflate), as socket.io's
     * {@code perMessageDeflate} option does. Default {@code false}: each compressing connection holds
     * a deflater and an inflater (a few hundred KiB), and a broadcast is compressed once per
     * recipient. Outgoing messages under 1024 bytes are sent uncompressed, as socket.io does. An
     * incoming message that would inflate past the endpoint's message limit ({@code maxFrameBytes},
     * or Socket.IO's {@code maxPayload}) closes the connection with 1009 before more is inflated.
     */
    public Builder perMessageDeflate(boolean enabled) {
      this.perMessageDeflate = enabled;
      return this;
    }

    /**
     * Before it listens, the server serves this many connections of its own, so that the JIT has
     * compiled a connection's path before the first client's arrives: a node started into a
     * reconnect storm (a rolling restart) then sets connections up at the speed of a warm server. Each
     * one connects over loopback to a private copy of the server, on a free port, with a chat server
     * of its own that has no hooks, no store and no cluster, and, taking turns, opens a WebSocket for
     * Socket.IO (when enabled) or the JSON protocol, joins a room, sends a message and closes. So
     * nothing of it reaches this server's chat, hooks, metrics or clients (the private copy logs its
     * own "listening on" and "stopped" lines, on 127.0.0.1). {@link NettyChatServer#start()}
     * completes once they are done and the JIT has compiled what they made hot (a tenth of a second
     * without compiling); connections are opened for 60 seconds at most. The TLS files are read
     * after the warm-up. A server without a chat server (HTTP routes only) warms nothing. A warm-up
     * that fails is logged and skipped, and the server starts all the same. Default 0 (none); a few
     * thousand compile most of the path, at a few seconds of start-up on one core. At most 100,000.
     */
    public Builder warmUpConnections(int connections) {
      this.warmUpConnections = connections;
      return this;
    }

    /** Address to listen on. Default {@code "0.0.0.0"} (every interface). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** Port to listen on; 0 picks a free one. Default 8080. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Path of the WebSocket endpoint. Default {@code "/chat"}. */
    public Builder path(String path) {
      this.path = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * Largest frame and largest reassembled message, in bytes, on the JSON endpoint; larger ones
     * close the connection with 1009. Socket.IO's WebSocket messages are bounded by {@link
     * dev.parley.chat.socketio.SocketIoConfig.Builder#maxPayload(int)} instead. Also the largest
     * HTTP request body that declares a {@code Content-Length} outside Socket.IO long-polling
     * (routes, files, the JSON endpoint's handshake): a larger one gets HTTP 413 before the body is
     * read. A chunked body (no {@code Content-Length}) is not checked against it, only against what
     * the server buffers for any request: the larger of 8 KiB and the Socket.IO {@code maxPayload}
     * (8 KiB with Socket.IO disabled, which then caps declared lengths too); past that it gets 413
     * and its connection is closed. Default 65,536.
     */
    public Builder maxFrameBytes(int bytes) {
      this.maxFrameBytes = bytes;
      return this;
    }

    /**
     * Bytes that may wait for a client that reads too slowly; past this the client is disconnected
     * and nobody else is affected. Default 1 MiB.
     */
    public Builder maxQueuedBytes(int bytes) {
      this.maxQueuedBytes = bytes;
      return this;
    }

    /** How often each client is pinged. Default 25 s. */
    public Builder pingInterval(Duration interval) {
      this.pingInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /**
     * How long a client has, after a ping, to send anything (a pong counts) before it is closed with
     * 4001. Must be shorter than the ping interval. Default 20 s.
     */
    public Builder pingTimeout(Duration timeout) {
      this.pingTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** How long a new connection may take to send its HTTP request or WebSocket upgrade. Default 10 s. */
    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * How long {@link NettyChatServer#stop()} waits for clients to answer the 1001 close before
     * closing them hard. Default 10 s.
     */
    public Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Number of I/O threads; 0 means Netty's default (twice the processors). Default 0. */
    public Builder ioThreads(int threads) {
      this.ioThreads = threads;
      return this;
    }

    /** Use epoll on Linux when available; otherwise NIO. Default {@code true}. */
    public Builder nativeTransport(boolean useNative) {
      this.nativeTransport = useNative;
      return this;
    }

    /**
     * Serve the files in this class-path folder over HTTP ({@code /} serves {@code index.html}).
     * Default: no files are served.
     */
    public Builder staticResources(String classpathFolder) {
      this.staticResources = classpathFolder;
      return this;
    }

    /**
     * Origins (such as {@code "https://chat.example.com"}) whose pages may open WebSockets; a
     * handshake from any other origin gets 403. Requests without an {@code Origin} header (non-browser
     * clients) are allowed. Default: empty, meaning only the server's own origin; {@code "*"} allows
     * any.
     */
    public Builder allowedOrigins(Set<String> origins) {
      this.allowedOrigins = Set.copyOf(origins);
      return this;
    }

    /**
     * Most connections open at once: WebSockets of both endpoints and plain HTTP connections
     * (long-polling, files, routes). Over it, a new connection is refused with HTTP 503 and
     * {@code Retry-After: 1}. Default {@link NettyConfig#defaultMaxConnections()}, below the
     * process's open-file limit, so that the server refuses before {@code accept} fails.
     */
    public Builder maxConnections(int max) {
      this.maxConnections = max;
      return this;
    }

    /**
     * Most connections open at once from one client address (behind a {@linkplain #trustedProxies
     * trusted proxy}, the address in {@code X-Forwarded-For}; an IPv6 client: its /64 network, which
     * one client commonly holds whole). Over it, a new connection is refused
     * with HTTP 429 and {@code Retry-After: 10}. Default 1,000.
     */
    public Builder maxConnectionsPerAddress(int max) {
      this.maxConnectionsPerAddress = max;
      return this;
    }

    /**
     * Most connections at once that have not yet delivered their first complete HTTP request (see
     * {@link #handshakeTimeout}). Over it, a new connection is refused with HTTP 503. Default 1,000.
     */
    public Builder maxPendingHandshakes(int max) {
      this.maxPendingHandshakes = max;
      return this;
    }

    /**
     * Most connections at once from one client address (an IPv6 client: its /64 network) that have
     * not yet delivered their first complete HTTP request, so that one address cannot take every
     * {@linkplain #maxPendingHandshakes handshake slot} with connections that never send one. Over
     * it, a new connection is refused with HTTP 429 and {@code Retry-After: 10}. Connections from a
     * trusted proxy are not counted here: their client is known only from their request. Default 100.
     */
    public Builder maxPendingHandshakesPerAddress(int max) {
      this.maxPendingHandshakesPerAddress = max;
      return this;
    }

    /**
     * New connections accepted per second, on average (a token bucket of {@link #acceptBurst}
     * tokens). Over it, a new connection is refused with HTTP 503. Default 1,000.
     */
    public Builder acceptsPerSecond(int perSecond) {
      this.acceptsPerSecond = perSecond;
      return this;
    }

    /** New connections that may arrive at once: the size of the accept-rate bucket. Default 2,000. */
    public Builder acceptBurst(int burst) {
      this.acceptBurst = burst;
      return this;
    }

    /**
     * Reverse proxies, as IP addresses ({@code "10.0.0.7"}) or CIDR blocks ({@code "10.0.0.0/8"}),
     * whose {@code X-Forwarded-For} header names the client: its address is then the one counted
     * against {@link #maxConnectionsPerAddress} and the one hooks see. From any other peer the
     * header is ignored. Default: empty, no proxy is trusted.
     */
    public Builder trustedProxies(Set<String> proxies) {
      this.trustedProxies = Set.copyOf(proxies);
      return this;
    }

    /**
     * Serve HTTPS and {@code wss://} with this certificate and key, on the same port and paths, or
     * plain HTTP and {@code ws://} with {@code null}. The files are read at {@link
     * NettyChatServer#start()}, which fails if they cannot be. Every connection must then begin a TLS
     * handshake; a plain-HTTP request is closed without an answer. Default {@code null}.
     */
    public Builder tls(Tls tls) {
      this.tls = tls;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @throws IllegalArgumentException if a value is out of range
     */
    public NettyConfig build() {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0 to 65535, was " + port);
      }
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("path must start with '/', was " + path);
      }
      if (maxFrameBytes < 125) {
        throw new IllegalArgumentException("maxFrameBytes must be at least 125, was " + maxFrameBytes);
      }
      if (maxQueuedBytes < maxFrameBytes) {
        throw new IllegalArgumentException("maxQueuedBytes must be at least maxFrameBytes");
      }
      positive("pingInterval", pingInterval);
      positive("pingTimeout", pingTimeout);
      positive("handshakeTimeout", handshakeTimeout);
      if (shutdownTimeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must not be negative");
      }
      if (pingTimeout.compareTo(pingInterval) >= 0) {
        throw new IllegalArgumentException("pingTimeout must be shorter than pingInterval");
      }
      atLeastOne("maxConnections", maxConnections);
      atLeastOne("maxConnectionsPerAddress", maxConnectionsPerAddress);
      atLeastOne("maxPendingHandshakes", maxPendingHandshakes);
      atLeastOne("maxPendingHandshakesPerAddress", maxPendingHandshakesPerAddress);
      atLeastOne("acceptsPerSecond", acceptsPerSecond);
      atLeastOne("acceptBurst", acceptBurst);
      if (acceptsPerSecond > 1_000_000_000) {
        throw new IllegalArgumentException("acceptsPerSecond must be at most 1,000,000,000");
      }
      TrustedProxies.parse(trustedProxies);
      if (ioThreads < 0) {
        throw new IllegalArgumentException("ioThreads must not be negative");
      }
      if (warmUpConnections < 0 || warmUpConnections > 100_000) {
        throw new IllegalArgumentException("warmUpConnections must be 0 to 100,000, was " + warmUpConnections);
      }
      return new NettyConfig(this);
    }

    private static void atLeastOne(String name, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1, was " + value);
      }
    }

    private static void positive(String name, Duration d) {
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
    }
  }
}
