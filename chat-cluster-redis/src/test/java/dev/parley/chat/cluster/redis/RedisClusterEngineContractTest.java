package dev.parley.chat.cluster.redis;

import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.testkit.ClusterEngineContract;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The ClusterEngine contract, on a private redis-server; each test's cluster has its own key prefix. */
class RedisClusterEngineContractTest extends ClusterEngineContract {
  private static RedisProcess redis;
  private final String prefix = "contract-" + UUID.randomUUID() + ":";

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisProcess.start(false);
  }

  @AfterAll
  static void stopRedis() throws Exception {
    redis.close();
  }

  @Override
  protected ClusterEngine newNode() {
    return RedisClusterEngine.create(RedisClusterConfig.builder(redis.uri())
        .keyPrefix(prefix)
        .commandTimeout(Duration.ofSeconds(5))
        .heartbeatInterval(Duration.ofMillis(200))
        .nodeTimeout(Duration.ofSeconds(2))
        .checkInterval(Duration.ofMillis(500))
        .build());
  }

  @Override
  protected int maxNodes() {
    return 3;
  }
}
