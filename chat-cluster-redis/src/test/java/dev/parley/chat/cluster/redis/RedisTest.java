package dev.parley.chat.cluster.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test class with a private redis-server of its own (without persistence), emptied before each
 * test, and engines started through {@link #nodes} closed after it.
 */
public abstract class RedisTest {
  protected static RedisProcess redis;
  protected Nodes nodes;

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisProcess.start(false);
  }

  @AfterAll
  static void stopRedis() throws Exception {
    redis.close();
  }

  @BeforeEach
  void emptyRedis() throws Exception {
    redis.command("FLUSHALL");
    nodes = new Nodes(redis);
  }

  @AfterEach
  void closeNodes() {
    nodes.close();
  }
}
