package dev.parley.chat.metrics.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ErrorCodes;
import dev.parley.chat.MessageKind;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.testkit.ChatTestKit;
import dev.parley.chat.testkit.TestClient;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class MicrometerChatMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void aServersTrafficBecomesMeters() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.metrics(MicrometerChatMetrics.create(registry)))) {
      TestClient alice = kit.connect().join("lobby", "alice");
      alice.take(ServerEvent.Joined.class);
      TestClient bob = kit.connect().join("lobby", "bob");
      bob.take(ServerEvent.Joined.class);
      TestClient carol = kit.connect().join("lobby", "carol");
      carol.take(ServerEvent.Joined.class);
      double noticesBefore = count("parley.deliveries", "kind", "notice");

      alice.send("lobby", "hello");
      alice.sendPrivate("nobody", "hi");
      assertThat(alice.takeUntil(ServerEvent.Error.class).code()).isEqualTo(ErrorCodes.UNKNOWN_USER);

      assertThat(count("parley.messages.received", "kind", "room")).isEqualTo(1);
      assertThat(count("parley.messages.received", "kind", "private")).isEqualTo(1);
      assertThat(count("parley.deliveries", "kind", "room")).isEqualTo(2); // bob and carol
      assertThat(count("parley.refusals", "code", "UNKNOWN_USER")).isEqualTo(1);
      assertThat(registry.get("parley.rooms").gauge().value()).isEqualTo(1);
      assertThat(registry.get("parley.users").gauge().value()).isEqualTo(3);
      assertThat(registry.get("parley.hook.duration").tag("hook", "message").timer().count()).isZero();
      assertThat(registry.get("parley.store.duration").tags("operation", "append", "outcome", "success")
          .timer().count()).isGreaterThanOrEqualTo(1);

      carol.disconnect();
      assertThat(count("parley.deliveries", "kind", "notice")).isEqualTo(noticesBefore + 2); // "carol has left"
      assertThat(registry.get("parley.users").gauge().value()).isEqualTo(2);
    }
  }

  @Test
  void transportReportsBecomeGaugesAndCounters() {
    MicrometerChatMetrics metrics = MicrometerChatMetrics.create(registry, Tags.of("node", "a"));
    // Both protocols are there from the start, at zero.
    assertThat(registry.get("parley.connections").tags("protocol", "json", "node", "a").gauge().value()).isZero();
    assertThat(registry.get("parley.connections").tags("protocol", "socketio").gauge().value()).isZero();

    metrics.connectionOpened(ChatMetrics.Protocol.JSON);
    metrics.connectionOpened(ChatMetrics.Protocol.JSON);
    metrics.connectionOpened(ChatMetrics.Protocol.SOCKET_IO);
    metrics.connectionClosed(ChatMetrics.Protocol.JSON);
    metrics.slowConsumerClosed(ChatMetrics.Protocol.SOCKET_IO);
    metrics.gauge(ChatMetrics.Gauge.OUTBOUND_QUEUE_BYTES, () -> 100);
    metrics.gauge(ChatMetrics.Gauge.OUTBOUND_QUEUE_BYTES, () -> 20); // a second transport adds up
    metrics.clusterReconnected();
    metrics.delivered(MessageKind.PRIVATE, 0);
    metrics.hookCompleted(ChatMetrics.Hook.JOIN, 5_000_000);

    assertThat(registry.get("parley.connections").tag("protocol", "json").gauge().value()).isEqualTo(1);
    assertThat(registry.get("parley.connections").tag("protocol", "socketio").gauge().value()).isEqualTo(1);
    assertThat(count("parley.connections.opened", "protocol", "json")).isEqualTo(2);
    assertThat(count("parley.slow.consumer.closes", "protocol", "socketio")).isEqualTo(1);
    assertThat(registry.get("parley.outbound.queue").gauge().value()).isEqualTo(120);
    assertThat(registry.get("parley.cluster.reconnects").counter().count()).isEqualTo(1);
    assertThat(count("parley.deliveries", "kind", "private")).isZero();
    assertThat(registry.get("parley.hook.duration").tag("hook", "join").timer()
        .totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(5);
    // No cluster engine supplied a backlog: no such gauge.
    assertThat(registry.find("parley.cluster.backlog").gauge()).isNull();
    metrics.gauge(ChatMetrics.Gauge.CLUSTER_BACKLOG, () -> 7);
    assertThat(registry.get("parley.cluster.backlog").gauge().value()).isEqualTo(7);
    assertThat(registry.get("parley.cluster.reconnects").counter().count()).isEqualTo(1);
  }

  private double count(String name, String tag, String value) {
    return registry.get(name).tag(tag, value).counter().count();
  }
}
