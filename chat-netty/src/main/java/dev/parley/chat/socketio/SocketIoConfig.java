package dev.parley.chat.socketio;

import java.time.Duration;
import java.util.Objects;

/**
 * Socket.IO settings. Immutable; build with {@link #builder()}. The heartbeat (ping interval and
 * timeout), allowed origins and per-client outbound bound are the Netty server's, from {@code
 * NettyConfig}.
 */
public final class SocketIoConfig {
  private static final SocketIoConfig DEFAULTS = builder().build();

  private final boolean enabled;
  private final String path;
  private final Duration connectTimeout;
  private final int maxPayload;
  private final Duration upgradeTimeout;
  private final int maxPendingEvents;

  private SocketIoConfig(Builder b) {
    this.enabled = b.enabled;
    this.path = b.path;
    this.connectTimeout = b.connectTimeout;
    this.maxPayload = b.maxPayload;
    this.upgradeTimeout = b.upgradeTimeout;
    this.maxPendingEvents = b.maxPendingEvents;
  }

  /** Every option at its default. */
  public static SocketIoConfig defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether the Socket.IO endpoint is served. */
  public boolean enabled() {
    return enabled;
  }

  /** The endpoint's path. */
  public String path() {
    return path;
  }

  /** How long a client may take, after opening its connection, to connect to a namespace. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Largest long-polling request body, in bytes; announced to clients in the handshake. */
  public int maxPayload() {
    return maxPayload;
  }

  /** How long an upgrade from long-polling to WebSocket may take. */
  public Duration upgradeTimeout() {
    return upgradeTimeout;
  }

  /** Events of one socket that may wait for the worker pool before the client is disconnected. */
  public int maxPendingEvents() {
    return maxPendingEvents;
  }

  /** Builds a {@link SocketIoConfig}. */
  public static final class Builder {
    private boolean enabled = true;
    private String path = "/socket.io/";
    private Duration connectTimeout = Duration.ofSeconds(10);
    private int maxPayload = 1_000_000;
    private Duration upgradeTimeout = Duration.ofSeconds(10);
    private int maxPendingEvents = 256;

    private Builder() {}

    /** Serve the Socket.IO endpoint. Default {@code true}. */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /** The endpoint's path. Default {@code "/socket.io/"}, what clients use unless told otherwise. */
    public Builder path(String path) {
      this.path = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * How long a client may take to connect to a namespace after opening its connection; then the
     * connection is closed. Default 10 s.
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Largest long-polling request body in bytes; larger ones get HTTP 413. Default 1,000,000. */
    public Builder maxPayload(int bytes) {
      this.maxPayload = bytes;
      return this;
    }

    /** How long an upgrade from long-polling to WebSocket may take. Default 10 s. */
    public Builder upgradeTimeout(Duration timeout) {
      this.upgradeTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Events of one socket that may wait for the worker pool; a client that floods past this is
     * disconnected. Default 256.
     */
    public Builder maxPendingEvents(int events) {
      this.maxPendingEvents = events;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @throws IllegalArgumentException if a value is out of range
     */
    public SocketIoConfig build() {
      if (!path.startsWith("/") || !path.endsWith("/")) {
        throw new IllegalArgumentException("path must start and end with '/', was " + path);
      }
      if (connectTimeout.isNegative() || connectTimeout.isZero() || upgradeTimeout.isNegative() || upgradeTimeout.isZero()) {
        throw new IllegalArgumentException("timeouts must be positive");
      }
      if (maxPayload < 1024) {
        throw new IllegalArgumentException("maxPayload must be at least 1024, was " + maxPayload);
      }
      if (maxPendingEvents < 1) {
        throw new IllegalArgumentException("maxPendingEvents must be at least 1");
      }
      return new SocketIoConfig(this);
    }
  }
}
