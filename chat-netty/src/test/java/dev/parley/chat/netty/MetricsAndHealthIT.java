package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatServer;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.monitoring.Health;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** What the transport reports to the chat server's {@link ChatMetrics}, and its part of the health. */
class MetricsAndHealthIT {
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @Test
  void connectionsOfBothProtocolsAreCountedWhileOpen() throws Exception {
    RecordingMetrics metrics = new RecordingMetrics();
    try (TestServer server = new TestServer(b -> b.metrics(metrics), n -> {})) {
      assertThat(metrics.gauge(ChatMetrics.Gauge.OUTBOUND_QUEUE_BYTES)).isZero();
      try (WsClient alice = WsClient.joined(server.port(), "lobby", "alice")) {
        await("the JSON connection counted", () -> metrics.open(ChatMetrics.Protocol.JSON) == 1);

        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + server.port() + "/socket.io/?EIO=4&transport=polling";
        String open = http.send(HttpRequest.newBuilder(URI.create(base)).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        assertThat(open).startsWith("0{");
        assertThat(metrics.open(ChatMetrics.Protocol.SOCKET_IO)).isEqualTo(1);
        String sid = com.google.gson.JsonParser.parseString(open.substring(1)).getAsJsonObject().get("sid").getAsString();
        // The client closes its Engine.IO session (packet 1).
        http.send(HttpRequest.newBuilder(URI.create(base + "&sid=" + sid))
            .POST(HttpRequest.BodyPublishers.ofString("1")).build(), HttpResponse.BodyHandlers.ofString());
        await("the Socket.IO session uncounted", () -> metrics.open(ChatMetrics.Protocol.SOCKET_IO) == 0);
        assertThat(metrics.opened(ChatMetrics.Protocol.SOCKET_IO)).isEqualTo(1);
        assertThat(metrics.open(ChatMetrics.Protocol.JSON)).isEqualTo(1);
      }
      await("the JSON connection uncounted", () -> metrics.open(ChatMetrics.Protocol.JSON) == 0);
      assertThat(metrics.opened(ChatMetrics.Protocol.JSON)).isEqualTo(1);
    }
  }

  @Test
  void theTransportIsUpFromStartUntilStop() {
    ChatServer chat = ChatServer.builder().build();
    NettyChatServer netty = NettyChatServer.create(chat, NettyConfig.builder().host("127.0.0.1").port(0).build());
    Health before = netty.health();
    assertThat(before.status()).isEqualTo(Health.Status.DOWN);
    assertThat(before.components().get("transport")).isEqualTo(Health.down("not started"));
    assertThat(before.components()).containsOnlyKeys("server", "store", "cluster", "transport");

    netty.start().toCompletableFuture().join();
    Health running = netty.health();
    assertThat(running.status()).isEqualTo(Health.Status.UP);
    assertThat(running.components().get("transport").detail()).isEqualTo("listening on port " + netty.port());

    netty.stop().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    assertThat(netty.health().components().get("transport")).isEqualTo(Health.down("stopped"));
    assertThat(netty.health().detail()).isEqualTo("down: transport");

    chat.close();
    assertThat(netty.health().detail()).isEqualTo("down: server, store, transport");
  }

  private static void await(String what, BooleanSupplier condition) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(end);
      Thread.yield();
    }
  }
}
