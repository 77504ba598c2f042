package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.socketio.SocketIoConfig;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Who owns what: event loops and a worker executor given to the builder stay the application's. */
class OwnershipIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void givenEventLoopsAndWorkersServeClients_andStopLeavesThemRunning() throws Exception {
    MultiThreadIoEventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    MultiThreadIoEventLoopGroup io = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    ExecutorService workers = Executors.newFixedThreadPool(2, r -> new Thread(r, "app-worker"));
    try {
      NettyChatServer server = NettyChatServer.builder(NettyConfig.builder().host("127.0.0.1").port(0).build())
          .eventLoopGroups(boss, io)
          .workerExecutor(workers)
          .httpRoute("/where", request -> HttpRoute.Response.text(200, Thread.currentThread().getName()))
          .build().start().toCompletableFuture().join();

      HttpResponse<String> response = HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/where")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.body()).isEqualTo("app-worker");

      server.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(boss.isShuttingDown()).isFalse();
      assertThat(io.isShuttingDown()).isFalse();
      assertThat(workers.isShutdown()).isFalse();
      // The loops still work: a second server runs on them.
      NettyChatServer again = NettyChatServer.builder(NettyConfig.builder().host("127.0.0.1").port(0).build())
          .eventLoopGroups(boss, io)
          .build().start().toCompletableFuture().get(30, TimeUnit.SECONDS);
      again.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownNow();
    }
  }

  @Test
  void eventLoopsOfTwoKindsAreRefused() {
    MultiThreadIoEventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    MultiThreadIoEventLoopGroup epoll = Epoll.isAvailable() ? new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory()) : null;
    try {
      NettyChatServer.Builder builder = NettyChatServer.builder(NettyConfig.builder().build());
      if (epoll != null) {
        assertThatThrownBy(() -> builder.eventLoopGroups(nio, epoll))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("both run epoll");
      }
      assertThatThrownBy(() -> builder.eventLoopGroups(nio, null)).isInstanceOf(NullPointerException.class);
    } finally {
      nio.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      if (epoll != null) {
        epoll.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void withSocketIoDisabled_socketIoIsNotNullButRefusesUseClearly() {
    NettyChatServer server = NettyChatServer.builder(NettyConfig.builder().build())
        .socketIo(SocketIoConfig.builder().enabled(false).build())
        .build();

    assertThat(server.socketIo()).isNotNull();
    assertThatThrownBy(() -> server.socketIo().of("/"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Socket.IO is disabled");
  }
}
