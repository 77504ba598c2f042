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
  private final Duration connectionStateRecovery;
  private final int maxBinaryEventBytes;
  private final Duration binaryEventTimeout;
  private final Duration fetchSocketsTimeout;
  private final boolean serveClient;

  private SocketIoConfig(Builder b) {
    this.enabled = b.enabled;
    this.path = b.path;
    this.connectTimeout = b.connectTimeout;
    this.maxPayload = b.maxPayload;
    this.upgradeTimeout = b.upgradeTimeout;
    this.maxPendingEvents = b.maxPendingEvents;
    this.connectionStateRecovery = b.connectionStateRecovery;
    this.maxBinaryEventBytes = b.maxBinaryEventBytes;
    this.binaryEventTimeout = b.binaryEventTimeout;
    this.fetchSocketsTimeout = b.fetchSocketsTimeout;
    this.serveClient = b.serveClient;
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

  /**
   * Largest message in bytes on either transport: a long-polling request body, or a WebSocket
   * message after reassembly; announced to clients in the handshake.
   */
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

  /**
   * How long the chat namespace keeps a disconnected client's state for it to recover; {@link
   * Duration#ZERO} when connection state recovery is off.
   */
  public Duration connectionStateRecovery() {
    return connectionStateRecovery;
  }

  /** Whether the chat namespace offers connection state recovery. */
  public boolean recoversConnectionState() {
    return !connectionStateRecovery.isZero();
  }

  /**
   * Largest unfinished binary packet a client may have the server hold, in bytes: its header
   * packet's characters plus the bytes of the attachments received so far.
   */
  public int maxBinaryEventBytes() {
    return maxBinaryEventBytes;
  }

  /** How long a binary packet may take, from its header packet, until its last attachment arrives. */
  public Duration binaryEventTimeout() {
    return binaryEventTimeout;
  }

  /**
   * How long {@code fetchSockets()} waits for the other nodes of a cluster to answer, as the socket.io
   * Redis adapter's {@code requestsTimeout}.
   */
  public Duration fetchSocketsTimeout() {
    return fetchSocketsTimeout;
  }

  /** Whether the socket.io client bundle is served under the path, as {@code <path>socket.io.js}. */
  public boolean serveClient() {
    return serveClient;
  }

  /** Builds a {@link SocketIoConfig}. */
  public static final class Builder {
    private boolean enabled = true;
    private String path = "/socket.io/";
    private Duration connectTimeout = Duration.ofSeconds(10);
    private int maxPayload = 1_000_000;
    private Duration upgradeTimeout = Duration.ofSeconds(10);
    private int maxPendingEvents = 256;
    private Duration connectionStateRecovery = Duration.ofMinutes(2);
    private int maxBinaryEventBytes = 1_000_000;
    private Duration binaryEventTimeout = Duration.ofSeconds(30);
    private Duration fetchSocketsTimeout = Duration.ofSeconds(5);
    private boolean serveClient = true;

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

    /**
     * Largest message in bytes, as Socket.IO's {@code maxHttpBufferSize}, on both transports: a
     * long-polling request body (larger ones get HTTP 413) and a WebSocket message after reassembling
     * its fragments (larger ones close the connection with 1009). Announced to clients in the
     * handshake. Default 1,000,000.
     */
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
     * Socket.IO v4 connection state recovery on the chat namespace, as a stock {@code
     * socket.io-client} uses it: a client whose connection dropped (not one that disconnected on
     * purpose) and that reconnects within {@code maxDisconnectionDuration} gets back its socket id,
     * username and rooms, and every chat message it missed, before any live traffic; its {@code
     * socket.recovered} is then {@code true}. The messages come from the chat server's history, so
     * {@link dev.parley.chat.ChatConfig#recoveryWindow()} and {@link
     * dev.parley.chat.ChatConfig#maxRecoveredMessages()} bound them too: past either, the client
     * connects afresh ({@code recovered} false) and must join its rooms again.
     *
     * <p>While it is on, every room message the chat namespace emits carries its id as one more,
     * last argument (the offset the client hands back when it reconnects). {@link Duration#ZERO}
     * turns it off. Namespaces of your own never recover. Default 2 minutes: on, unlike Socket.IO's
     * own server, because Parley recovers from the history it keeps anyway and keeps only a small
     * state per client.
     *
     * <p>That state (the socket id, username, rooms, and the ids of the room messages the client
     * sent itself) is kept by the chat server's cluster engine, so that the client may recover on
     * any node of a cluster, even after the node it was on died: it is written when the socket
     * connects and whenever it changes (a join, a leave, a message the client sent; at most one
     * write under way per socket, the changes meanwhile in one more), and again every half of this
     * duration while nothing changes; it is kept for this duration after each write. The
     * in-process engine keeps at most 100,000 states, the most recently written.
     *
     * @param maxDisconnectionDuration how long a client's state is kept after its last write; zero
     *     for off
     */
    public Builder connectionStateRecovery(Duration maxDisconnectionDuration) {
      this.connectionStateRecovery = Objects.requireNonNull(maxDisconnectionDuration, "maxDisconnectionDuration");
      return this;
    }

    /**
     * Largest unfinished binary event or acknowledgement a client may have the server hold: the
     * header packet's characters plus the bytes of the attachments received so far. A client that
     * sends more before the last attachment is closed, as for a malformed packet, and what it sent
     * is released. Default 1,000,000: a binary packet as large as one message.
     */
    public Builder maxBinaryEventBytes(int bytes) {
      this.maxBinaryEventBytes = bytes;
      return this;
    }

    /**
     * How long a binary event or acknowledgement may take from its header packet to its last
     * attachment. A client whose packet is still incomplete then is closed, as for a malformed
     * packet, and what it sent is released. Default 30 s.
     */
    public Builder binaryEventTimeout(Duration timeout) {
      this.binaryEventTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * How long {@code fetchSockets()} (on a {@link Namespace} or a {@link Broadcast}) waits for the
     * other nodes of a cluster to answer, as the socket.io Redis adapter's {@code requestsTimeout};
     * its stage fails with a {@link java.util.concurrent.TimeoutException} if some node has not
     * answered by then. Without a cluster it plays no part. Default 5 s.
     */
    public Builder fetchSocketsTimeout(Duration timeout) {
      this.fetchSocketsTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Serve the official socket.io client bundle under the path, as socket.io's {@code serveClient}:
     * {@code socket.io.js}, {@code socket.io.min.js}, {@code socket.io.esm.min.js}, {@code
     * socket.io.msgpack.min.js} and their {@code .map} files, so that a page can load the client with
     * {@code <script src="/socket.io/socket.io.js">}. The files are those of the socket.io-client
     * package Parley was built with, its version the ETag; they are read into memory once, when the
     * first server that serves them is built. With {@code false}, those paths answer 404 (or the
     * application's static files). Default {@code true}.
     */
    public Builder serveClient(boolean serveClient) {
      this.serveClient = serveClient;
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
      if (maxBinaryEventBytes < 1024) {
        throw new IllegalArgumentException("maxBinaryEventBytes must be at least 1024, was " + maxBinaryEventBytes);
      }
      if (fetchSocketsTimeout.isNegative() || fetchSocketsTimeout.isZero()) {
        throw new IllegalArgumentException("fetchSocketsTimeout must be positive");
      }
      if (binaryEventTimeout.isNegative() || binaryEventTimeout.isZero()) {
        throw new IllegalArgumentException("binaryEventTimeout must be positive");
      }
      if (maxPendingEvents < 1) {
        throw new IllegalArgumentException("maxPendingEvents must be at least 1");
      }
      if (connectionStateRecovery.isNegative()) {
        throw new IllegalArgumentException("connectionStateRecovery must not be negative");
      }
      return new SocketIoConfig(this);
    }
  }
}
