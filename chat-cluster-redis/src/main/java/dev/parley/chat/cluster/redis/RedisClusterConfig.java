package dev.parley.chat.cluster.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link RedisClusterEngine} reaches Redis and how quickly it gives up. Immutable and
 * thread-safe; made with {@link #builder(String)}, copied with changes through {@link #toBuilder()}.
 *
 * <p>Defaults (each documented in docs/cluster.md):
 *
 * <ul>
 *   <li>{@link #keyPrefix()} {@value #DEFAULT_KEY_PREFIX}: every key and channel starts with it, so
 *       that several clusters can share one Redis;
 *   <li>{@link #commandTimeout()} 2 s: a call that Redis has not answered by then fails with {@link
 *       dev.parley.chat.cluster.ClusterUnavailableException};
 *   <li>{@link #requestQueueSize()} 10,000: commands waiting for Redis's answer on one connection;
 *       past it a call fails at once;
 *   <li>{@link #heartbeatInterval()} 2 s and {@link #nodeTimeout()} 10 s: a node refreshes its
 *       heartbeat key every interval; the key expires after the timeout, and a node whose key expired
 *       is reaped by the others (its users leave their rooms, its names are free). A node is gone
 *       at most about {@code nodeTimeout + heartbeatInterval} after it stopped;
 *   <li>{@link #checkInterval()} 5 s: how often a node compares, for every room it follows, the
 *       room's position in Redis with what it delivered, to notice a subscription that lost
 *       messages without any newer message to show the gap.
 * </ul>
 */
public final class RedisClusterConfig {
  /** The default {@link #keyPrefix()}. */
  public static final String DEFAULT_KEY_PREFIX = "parley:";

  private final String redisUri;
  private final String keyPrefix;
  private final Duration commandTimeout;
  private final int requestQueueSize;
  private final Duration heartbeatInterval;
  private final Duration nodeTimeout;
  private final Duration checkInterval;

  private RedisClusterConfig(Builder b) {
    this.redisUri = b.redisUri;
    this.keyPrefix = b.keyPrefix;
    this.commandTimeout = b.commandTimeout;
    this.requestQueueSize = b.requestQueueSize;
    this.heartbeatInterval = b.heartbeatInterval;
    this.nodeTimeout = b.nodeTimeout;
    this.checkInterval = b.checkInterval;
  }

  /**
   * A builder with the defaults.
   *
   * @param redisUri where Redis is, as Lettuce reads it: {@code redis://[password@]host[:port][/db]},
   *     {@code rediss://} for TLS, or {@code redis-sentinel://}
   * @return a new builder
   */
  public static Builder builder(String redisUri) {
    return new Builder(redisUri);
  }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    return new Builder(redisUri)
        .keyPrefix(keyPrefix)
        .commandTimeout(commandTimeout)
        .requestQueueSize(requestQueueSize)
        .heartbeatInterval(heartbeatInterval)
        .nodeTimeout(nodeTimeout)
        .checkInterval(checkInterval);
  }

  /** Where Redis is. */
  public String redisUri() {
    return redisUri;
  }

  /** What every key and channel name starts with. */
  public String keyPrefix() {
    return keyPrefix;
  }

  /** How long a call waits for Redis before it fails. */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /** How many commands may wait for Redis's answer on one connection. */
  public int requestQueueSize() {
    return requestQueueSize;
  }

  /** How often a node refreshes its heartbeat and looks for dead nodes. */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /** How long a node's heartbeat lives without a refresh. */
  public Duration nodeTimeout() {
    return nodeTimeout;
  }

  /** How often a node checks the position of every room it follows. */
  public Duration checkInterval() {
    return checkInterval;
  }

  /** Builds a {@link RedisClusterConfig}. Not thread-safe. */
  public static final class Builder {
    private final String redisUri;
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private Duration commandTimeout = Duration.ofSeconds(2);
    private int requestQueueSize = 10_000;
    private Duration heartbeatInterval = Duration.ofSeconds(2);
    private Duration nodeTimeout = Duration.ofSeconds(10);
    private Duration checkInterval = Duration.ofSeconds(5);

    private Builder(String redisUri) {
      this.redisUri = Objects.requireNonNull(redisUri, "redisUri");
    }

    /** Sets what every key and channel starts with; default {@value #DEFAULT_KEY_PREFIX}. */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
      return this;
    }

    /** Sets how long a call waits for Redis; default 2 s. */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout = Objects.requireNonNull(commandTimeout, "commandTimeout");
      return this;
    }

    /** Sets how many commands may wait on one connection; default 10,000. */
    public Builder requestQueueSize(int requestQueueSize) {
      this.requestQueueSize = requestQueueSize;
      return this;
    }

    /** Sets how often the heartbeat is refreshed; default 2 s. */
    public Builder heartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
      return this;
    }

    /** Sets how long a heartbeat lives; default 10 s. */
    public Builder nodeTimeout(Duration nodeTimeout) {
      this.nodeTimeout = Objects.requireNonNull(nodeTimeout, "nodeTimeout");
      return this;
    }

    /** Sets how often followed rooms' positions are checked; default 5 s. */
    public Builder checkInterval(Duration checkInterval) {
      this.checkInterval = Objects.requireNonNull(checkInterval, "checkInterval");
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @throws IllegalArgumentException if a duration is not positive, the queue size is below 1, or
     *     the node timeout is not more than twice the heartbeat interval (one late heartbeat must not
     *     get a live node reaped)
     */
    public RedisClusterConfig build() {
      for (Duration d : new Duration[] {commandTimeout, heartbeatInterval, nodeTimeout, checkInterval}) {
        if (d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("durations must be positive: " + d);
        }
      }
      if (requestQueueSize < 1) {
        throw new IllegalArgumentException("requestQueueSize must be at least 1: " + requestQueueSize);
      }
      if (nodeTimeout.compareTo(heartbeatInterval.multipliedBy(2)) <= 0) {
        throw new IllegalArgumentException("nodeTimeout must be more than twice the heartbeatInterval");
      }
      return new RedisClusterConfig(this);
    }
  }
}
