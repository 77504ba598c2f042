package dev.parley.chat.netty;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Network settings of a {@link NettyChatServer}. Immutable; build one with {@link #builder()} and
 * change a copy with {@link #toBuilder()}. Every option has a default, given on its builder method and
 * in docs/configuration.md.
 */
public final class NettyConfig {
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

  /** Largest WebSocket frame, and largest message after reassembling fragments, in bytes. */
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

  /** Origins allowed to open WebSockets; empty means same-origin only, {@code "*"} means any. */
  public Set<String> allowedOrigins() {
    return allowedOrigins;
  }

  @Override
  public String toString() {
    return "NettyConfig{host=" + host + ", port=" + port + ", path=" + path
        + ", maxFrameBytes=" + maxFrameBytes + ", maxQueuedBytes=" + maxQueuedBytes
        + ", pingInterval=" + pingInterval + ", pingTimeout=" + pingTimeout
        + ", handshakeTimeout=" + handshakeTimeout + ", shutdownTimeout=" + shutdownTimeout
        + ", ioThreads=" + ioThreads + ", nativeTransport=" + nativeTransport
        + ", staticResources=" + staticResources + ", allowedOrigins=" + allowedOrigins + '}';
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

    private Builder() {}

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
     * Largest frame and largest reassembled message, in bytes; larger ones close the connection with
     * 1009. Default 65,536.
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
      if (ioThreads < 0) {
        throw new IllegalArgumentException("ioThreads must not be negative");
      }
      return new NettyConfig(this);
    }

    private static void positive(String name, Duration d) {
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
    }
  }
}
