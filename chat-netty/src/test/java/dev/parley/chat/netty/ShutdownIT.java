package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.ChatServer;
import dev.parley.chat.spi.CloseCodes;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Graceful shutdown: stop accepting, 1001 to everyone, bounded in time. */
class ShutdownIT {

  @Test
  void stopSendsGoingAwayToEveryClientAndStopsAccepting() {
    ChatServer chat = ChatServer.builder().build();
    NettyChatServer netty = NettyChatServer.create(chat, NettyConfig.builder().host("127.0.0.1").port(0).build())
        .start().toCompletableFuture().join();
    int port = netty.port();
    List<WsClient> clients = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      clients.add(WsClient.joined(port, "lobby", "user" + i));
    }

    netty.stop().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();

    for (WsClient c : clients) {
      assertThat(c.awaitClose()).isEqualTo(CloseCodes.GOING_AWAY);
      assertThat(c.closeReason()).isEqualTo("server shutting down");
    }
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
    chat.close();
  }

  @Test
  void aWaitingLongPollIsAnsweredWithACloseOnShutdown() throws Exception {
    ChatServer chat = ChatServer.builder().build();
    NettyChatServer netty = NettyChatServer.create(chat, NettyConfig.builder().host("127.0.0.1").port(0).build())
        .start().toCompletableFuture().join();
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + netty.port() + "/socket.io/?EIO=4&transport=polling";
    String open = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    String sid = com.google.gson.JsonParser.parseString(open.substring(1)).getAsJsonObject().get("sid").getAsString();
    var poll = http.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "&sid=" + sid)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!dev.parley.chat.netty.internal.EngineIoTestAccess.hasPendingPoll(netty.engineIo(), sid)) {
      assertThat(System.nanoTime()).as("the poll reaches the server").isLessThan(deadline);
      Thread.yield();
    }

    netty.stop().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();

    assertThat(poll.get(10, TimeUnit.SECONDS).body()).isEqualTo("1");
    chat.close();
  }

  @Test
  void clientsThatIgnoreTheCloseAreDroppedAfterTheShutdownTimeout() throws IOException {
    ChatServer chat = ChatServer.builder().build();
    NettyChatServer netty = NettyChatServer.create(chat, NettyConfig.builder().host("127.0.0.1").port(0)
        .shutdownTimeout(Duration.ofMillis(500)).build()).start().toCompletableFuture().join();
    try (RawWebSocket deaf = RawWebSocket.connect(netty.port())) {
      deaf.read(); // welcome

      netty.stop().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();

      assertThat(deaf.readUntilClose().closeCode()).isEqualTo(CloseCodes.GOING_AWAY);
      assertThat(deaf.serverClosedConnection()).isTrue();
    } finally {
      chat.close();
    }
  }
}
