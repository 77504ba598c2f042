package dev.parley.chat.cluster.redis.internal;

import dev.parley.chat.cluster.ClusterUnavailableException;
import dev.parley.chat.cluster.redis.RedisClusterConfig;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The engine's two connections to Redis (commands, and pub/sub, which Redis keeps apart) and how
 * calls on them fail. Both connections reconnect by themselves; while one is down its commands are
 * rejected at once rather than queued, at most {@link RedisClusterConfig#requestQueueSize()} wait for
 * an answer, and none waits longer than {@link RedisClusterConfig#commandTimeout()}. Every such
 * failure reaches callers as {@link ClusterUnavailableException}. Thread-safe; stages complete on
 * Lettuce's I/O threads.
 */
final class RedisOps implements AutoCloseable {
  static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
  /** What a script fails with when the calling node was reaped (see claim.lua). */
  static final String EVICTED = "EVICTED";

  private final RedisClient client;
  private final StatefulRedisConnection<String, byte[]> connection;
  private final StatefulRedisPubSubConnection<String, byte[]> pubSub;
  private final java.time.Duration timeout;

  private RedisOps(RedisClient client, StatefulRedisConnection<String, byte[]> connection,
      StatefulRedisPubSubConnection<String, byte[]> pubSub, java.time.Duration timeout) {
    this.client = client;
    this.connection = connection;
    this.pubSub = pubSub;
    this.timeout = timeout;
  }

  /** Connects both connections; completes exceptionally with ClusterUnavailableException. */
  static CompletionStage<RedisOps> connect(RedisClusterConfig config) {
    RedisURI uri = RedisURI.create(config.redisUri());
    uri.setTimeout(config.commandTimeout());
    RedisClient client = RedisClient.create(uri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .requestQueueSize(config.requestQueueSize())
        .timeoutOptions(TimeoutOptions.enabled(config.commandTimeout()))
        .build());
    CompletableFuture<RedisOps> out = new CompletableFuture<>();
    client.connectAsync(CODEC, uri).whenComplete((conn, e1) -> {
      if (e1 != null) {
        client.shutdownAsync();
        out.completeExceptionally(unavailable(e1));
        return;
      }
      client.connectPubSubAsync(CODEC, uri).whenComplete((ps, e2) -> {
        if (e2 != null) {
          conn.closeAsync();
          client.shutdownAsync();
          out.completeExceptionally(unavailable(e2));
        } else {
          out.complete(new RedisOps(client, conn, ps, config.commandTimeout()));
        }
      });
    });
    return out;
  }

  /**
   * Runs {@code reconnected} each time either connection is back after Lettuce lost it (not for the
   * first connect). On a Lettuce thread; it must not block.
   */
  void onReconnect(Runnable reconnected) {
    client.addListener(new io.lettuce.core.RedisConnectionStateListener() {
      private final java.util.Set<Object> lost = java.util.concurrent.ConcurrentHashMap.newKeySet();

      @Override
      public void onRedisDisconnected(io.lettuce.core.RedisChannelHandler<?, ?> handler) {
        lost.add(handler);
      }

      @Override
      public void onRedisConnected(io.lettuce.core.RedisChannelHandler<?, ?> handler, java.net.SocketAddress remote) {
        if (lost.remove(handler)) {
          reconnected.run();
        }
      }
    });
  }

  /** Whether both connections are up now. */
  boolean connected() {
    return connection.isOpen() && pubSub.isOpen();
  }

  RedisAsyncCommands<String, byte[]> commands() {
    return connection.async();
  }

  StatefulRedisPubSubConnection<String, byte[]> pubSub() {
    return pubSub;
  }

  /** Runs a script by its SHA, sending it whole if Redis does not have it. */
  <T> CompletionStage<T> eval(Script script, ScriptOutputType type, String[] keys, byte[]... args) {
    CompletableFuture<T> out = new CompletableFuture<>();
    RedisAsyncCommands<String, byte[]> c = connection.async();
    c.<T>evalsha(script.sha(), type, keys, args).whenComplete((v, e) -> {
      if (e == null) {
        out.complete(v);
      } else if (cause(e) instanceof RedisNoScriptException) {
        c.<T>eval(script.text(), type, keys, args).whenComplete((v2, e2) -> complete(out, v2, e2));
      } else {
        out.completeExceptionally(unavailable(e));
      }
    });
    return out;
  }

  /** A Lettuce stage, with failures as ClusterUnavailableException. */
  static <T> CompletionStage<T> mapped(CompletionStage<T> stage) {
    CompletableFuture<T> out = new CompletableFuture<>();
    stage.whenComplete((v, e) -> complete(out, v, e));
    return out;
  }

  private static <T> void complete(CompletableFuture<T> out, T value, Throwable e) {
    if (e == null) {
      out.complete(value);
    } else {
      out.completeExceptionally(unavailable(e));
    }
  }

  /** Redis could not be used: a ClusterUnavailableException; anything else (a bug) unchanged. */
  static Throwable unavailable(Throwable e) {
    Throwable cause = cause(e);
    if (cause instanceof ClusterUnavailableException) {
      return cause;
    }
    if (cause instanceof RedisException || cause instanceof TimeoutException || cause instanceof java.io.IOException) {
      String message = cause.getMessage() != null && cause.getMessage().startsWith(EVICTED)
          ? "this node was evicted from the cluster"
          : "Redis is unavailable";
      return new ClusterUnavailableException(message, cause);
    }
    return cause;
  }

  static boolean isEvicted(Throwable e) {
    Throwable c = cause(e);
    return c instanceof ClusterUnavailableException && c.getCause() != null && c.getCause().getMessage() != null
        && c.getCause().getMessage().startsWith(EVICTED);
  }

  static Throwable cause(Throwable e) {
    Throwable c = e;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytes(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  static String string(Object reply) {
    return reply == null ? null : new String((byte[]) reply, StandardCharsets.UTF_8);
  }

  /** Waits for a stage within the command timeout, for close(), which the SPI makes synchronous. */
  <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    // Closed before the client, so that no reconnect attempt races the client's shutdown.
    pubSub.close();
    connection.close();
    client.shutdown(java.time.Duration.ZERO, timeout);
  }
}
