package dev.parley.chat.cluster.redis;

import static dev.parley.chat.cluster.redis.Nodes.get;
import static dev.parley.chat.cluster.redis.RecordingNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.monitoring.Health;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** The engine's health follows its Redis connections; it reports its backlog and each reconnect. */
class EngineHealthTest {

  @Test
  void healthIsDownWhileRedisIsAwayAndAReconnectIsCounted() throws Exception {
    try (RedisProcess durable = RedisProcess.start(true); Nodes here = new Nodes(durable)) {
      AtomicInteger reconnects = new AtomicInteger();
      Map<ChatMetrics.Gauge, LongSupplier> gauges = new ConcurrentHashMap<>();
      RecordingNode node = new RecordingNode();
      node.metrics = new ChatMetrics() {
        @Override
        public void gauge(Gauge gauge, LongSupplier value) {
          gauges.put(gauge, value);
        }

        @Override
        public void clusterReconnected() {
          reconnects.incrementAndGet();
        }
      };
      RedisClusterEngine notStarted = RedisClusterEngine.create(here.config());
      assertThat(notStarted.health()).isEqualTo(Health.down("not started"));
      notStarted.close();

      RedisClusterEngine engine = here.start(node);
      assertThat(engine.health().status()).isEqualTo(Health.Status.UP);
      assertThat(gauges).containsOnlyKeys(ChatMetrics.Gauge.CLUSTER_BACKLOG);
      assertThat(gauges.get(ChatMetrics.Gauge.CLUSTER_BACKLOG).getAsLong()).isZero();

      durable.kill();
      await(Duration.ofSeconds(10), () -> engine.health().status() == Health.Status.DOWN, "DOWN without Redis");
      assertThat(reconnects).hasValue(0);
      assertThat(node.relaysMissed).hasValue(0);
      durable.startAgain();

      await(Duration.ofSeconds(20), () -> engine.health().status() == Health.Status.UP, "UP once reconnected");
      // Commands and pub/sub: each connection that came back counts.
      await(Duration.ofSeconds(20), () -> reconnects.get() == 2, "both connections counted as reconnected");
      // Relays published while it was away are lost: the node is told, so that it reads bans again.
      await(Duration.ofSeconds(20), () -> node.relaysMissed.get() == 2, "the node told it may have missed relays");

      engine.close();
      assertThat(engine.health()).isEqualTo(Health.down("closed"));
    }
  }
}
