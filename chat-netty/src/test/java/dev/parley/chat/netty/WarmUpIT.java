package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.ChatServer;
import dev.parley.chat.ConnectDecision;
import dev.parley.chat.monitoring.ChatMetrics;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link NettyConfig.Builder#warmUpConnections}: served before the server listens, never seen by its chat. */
class WarmUpIT {
  private static boolean warmUpThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("parley-warm-up"));
  }

  @Test
  void theWarmUpsConnectionsNeverReachTheApplicationsChat_andTheServerListensOnceTheyAreDone() {
    AtomicInteger connects = new AtomicInteger();
    RecordingMetrics metrics = new RecordingMetrics();
    try (LogCapture log = new LogCapture();
        TestServer server = new TestServer(b -> b.metrics(metrics).onConnect(h -> {
          connects.incrementAndGet();
          return ConnectDecision.accept();
        }), n -> n.warmUpConnections(30))) {
      assertThat(log.lines()).anyMatch(line -> line.contains("warmed up with 30 connections"));
      assertThat(connects).hasValue(0);
      assertThat(metrics.opened(ChatMetrics.Protocol.JSON)).isZero();
      assertThat(metrics.opened(ChatMetrics.Protocol.SOCKET_IO)).isZero();
      assertThat(server.chat.onlineUsers()).isEmpty();

      try (WsClient alice = WsClient.joined(server.port(), "lobby", "alice")) {
        assertThat(connects).hasValue(1);
        assertThat(server.chat.onlineUsers()).containsExactly("alice");
      }
    }
  }

  @Test
  void aStopDuringTheWarmUpEndsIt_andTheServerNeverListens() {
    ChatServer chat = ChatServer.builder().build();
    NettyChatServer server = NettyChatServer.create(chat,
        NettyConfig.builder().host("127.0.0.1").port(0).warmUpConnections(100_000).build());
    try {
      CompletionStage<NettyChatServer> started = server.start();
      server.stop().toCompletableFuture().join();

      assertThatThrownBy(() -> started.toCompletableFuture().get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalStateException.class);
      assertThat(server.port()).isEqualTo(-1);
      // stop() completed after the warm-up let go of its connections and its private server
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (warmUpThreadAlive() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(warmUpThreadAlive()).isFalse();
    } finally {
      chat.close();
    }
  }
}
