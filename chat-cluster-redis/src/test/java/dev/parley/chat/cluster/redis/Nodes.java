package dev.parley.chat.cluster.redis;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.MessageKind;
import dev.parley.chat.spi.ServerEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Engines with their recording nodes, against one test Redis, closed together. */
public final class Nodes implements AutoCloseable {
  public static final int LOG_SIZE = 50;
  private final List<RedisClusterEngine> engines = new ArrayList<>();
  private final RedisProcess redis;

  public Nodes(RedisProcess redis) {
    this.redis = redis;
  }

  /**
   * Fast heartbeats and checks, so that the failure tests take seconds, not fifteen. The command
   * and node timeouts still leave room for a loaded machine (CI, parallel builds): with 500 ms and
   * 600 ms, a busy core failed commands and reaped live nodes.
   */
  public RedisClusterConfig config() {
    return RedisClusterConfig.builder(redis.uri())
        .commandTimeout(Duration.ofSeconds(5))
        .heartbeatInterval(Duration.ofMillis(250))
        .nodeTimeout(Duration.ofMillis(2500))
        .checkInterval(Duration.ofMillis(200))
        .build();
  }

  public RedisClusterEngine start(RecordingNode node) throws Exception {
    return start(node, config());
  }

  public RedisClusterEngine start(RecordingNode node, RedisClusterConfig config) throws Exception {
    return start(node, config, LOG_SIZE);
  }

  public RedisClusterEngine start(RecordingNode node, RedisClusterConfig config, int logSize) throws Exception {
    RedisClusterEngine e = RedisClusterEngine.create(config);
    engines.add(e);
    get(e.start(node, logSize));
    return e;
  }

  public static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  public static ServerEvent.Message message(String room, String sender, String text) {
    return new ServerEvent.Message(
        ChatMessage.builder("0000000000000", Instant.EPOCH, MessageKind.ROOM, text).room(room).sender(sender).build());
  }

  @Override
  public void close() {
    for (RedisClusterEngine e : engines) {
      try {
        e.close();
      } catch (RuntimeException ignored) {
        // a test that stopped Redis: the engine could not leave cleanly, which close() logs
      }
    }
  }
}
