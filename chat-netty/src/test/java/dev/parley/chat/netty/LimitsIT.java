package dev.parley.chat.netty;

import dev.parley.chat.Decision;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.ChatServer;
import dev.parley.chat.spi.CloseCodes;
import java.io.EOFException;
import java.lang.reflect.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the transport does with oversize, invalid, silent and slow clients. */
class LimitsIT {
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static void await(String what, java.util.function.BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(WsClient.TIMEOUT);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  @Test
  void aFrameOverTheLimitClosesWith1009() throws Exception {
    server = new TestServer(b -> {}, n -> n.maxFrameBytes(1024));
    try (RawWebSocket c = RawWebSocket.connect(server.port())) {
      c.read(); // welcome
      c.send(RawWebSocket.TEXT, new byte[1025], true);
      assertThat(c.readUntilClose().closeCode()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
    }
  }

  @Test
  void aFragmentedMessageOverTheLimitClosesWith1009() throws Exception {
    server = new TestServer(b -> {}, n -> n.maxFrameBytes(1024));
    try (RawWebSocket c = RawWebSocket.connect(server.port())) {
      c.read(); // welcome
      c.send(RawWebSocket.TEXT, new byte[600], false);
      c.send(0, new byte[600], true);
      assertThat(c.readUntilClose().closeCode()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
    }
  }

  @Test
  void invalidUtf8ClosesWith1007() throws Exception {
    server = TestServer.start();
    try (RawWebSocket c = RawWebSocket.connect(server.port())) {
      c.read(); // welcome
      c.send(RawWebSocket.TEXT, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}, true);
      assertThat(c.readUntilClose().closeCode()).isEqualTo(CloseCodes.INVALID_PAYLOAD);
    }
  }

  @Test
  void anInvalidCloseFrameFailsTheConnection() throws Exception {
    server = TestServer.start();
    try (RawWebSocket c = RawWebSocket.connect(server.port())) {
      c.read(); // welcome
      c.send(RawWebSocket.CLOSE, new byte[] {0x03, (byte) 0xE7}, true); // 999 is not a valid code
      // RFC 6455 7.1.7: the server fails the connection; having received a close, it sends none.
      assertThat(c.serverClosedConnection()).isTrue();
    }
  }

  @Test
  void aReservedOpcodeIsAProtocolError() throws Exception {
    server = TestServer.start();
    try (RawWebSocket c = RawWebSocket.connect(server.port())) {
      c.read(); // welcome
      c.send(3, new byte[] {1}, true);
      assertThat(c.readUntilClose().closeCode()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
    }
  }

  @Test
  void aClientCloseIsAnsweredOnceWithItsCode() throws Exception {
    server = TestServer.start();
    try (RawWebSocket c = RawWebSocket.connect(server.port())) {
      c.read(); // welcome
      c.send(RawWebSocket.CLOSE, new byte[] {0x03, (byte) 0xE8, 'o', 'k'}, true);
      assertThat(c.readUntilClose().closeCode()).isEqualTo(CloseCodes.NORMAL);
      assertThat(c.serverClosedConnection()).isTrue();
    }
  }

  @Test
  void aClientThatNeverAnswersPingsIsClosedWith4001_whileAnsweringClientsStay() throws Exception {
    // The timeout is generous: the healthy client's pongs come from the JDK's own threads, which a
    // loaded machine held up for over 150 ms (CI failed so); the silent client is closed all the
    // same, only later.
    server = new TestServer(b -> {}, n -> n.pingInterval(Duration.ofSeconds(2)).pingTimeout(Duration.ofMillis(1500)));
    try (WsClient healthy = WsClient.welcomed(server.port());
         RawWebSocket silent = RawWebSocket.connect(server.port())) {
      RawWebSocket.Frame first = silent.read();
      assertThat(first.opcode()).isEqualTo(RawWebSocket.TEXT);
      RawWebSocket.Frame ping = silent.read();
      assertThat(ping.opcode()).isEqualTo(RawWebSocket.PING);
      assertThat(silent.readUntilClose().closeCode()).isEqualTo(CloseCodes.IDLE_TIMEOUT);

      await("three pings answered by the JDK client", () -> healthy.pings() >= 3);
      assertThat(healthy.isOpen()).isTrue();
    }
  }

  @Test
  void aConnectionThatNeverCompletesItsHandshakeIsDropped() throws Exception {
    server = new TestServer(b -> {}, n -> n.handshakeTimeout(Duration.ofMillis(300)));
    try (Socket idle = new Socket("127.0.0.1", server.port())) {
      idle.setSoTimeout(10_000);
      idle.getOutputStream().write("GET /chat HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(serverClosed(idle)).as("dropped at the deadline").isTrue();
    }
  }

  @Test
  void aClientThatKeepsTricklingHeaderBytesIsDroppedAtTheDeadline() throws Exception {
    server = new TestServer(b -> {}, n -> n.handshakeTimeout(Duration.ofMillis(300)));
    java.util.concurrent.ScheduledExecutorService trickler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try (Socket slow = new Socket("127.0.0.1", server.port())) {
      slow.setSoTimeout(10_000);
      var out = slow.getOutputStream();
      out.write("GET /chat HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      // The client behaviour under test: a header byte every 50 ms, never finishing the request.
      trickler.scheduleAtFixedRate(() -> {
        try {
          out.write('X');
        } catch (java.io.IOException closedByServer) {
          // expected once the deadline has passed
        }
      }, 0, 50, java.util.concurrent.TimeUnit.MILLISECONDS);
      assertThat(serverClosed(slow)).as("dropped at the deadline").isTrue();
    } finally {
      trickler.shutdownNow();
    }
  }

  @Test
  void aJoinReplyLargerThanTheOutboundBoundStillArrives() throws Exception {
    server = new TestServer(b -> b.config(ChatConfig.builder().historySize(20).build())
        .onJoin(j -> {
          j.reply("greetings first"); // queued just before the large joined reply
          return Decision.accept();
        }),
        n -> n.maxFrameBytes(4096).maxQueuedBytes(8192));
    try (WsClient opener = WsClient.welcomed(server.port())) {
      opener.send("{\"type\":\"join\",\"room\":\"lobby\",\"username\":\"opener\"}");
      opener.skipTo("joined");
      for (int i = 0; i < 20; i++) {
        opener.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"" + "x".repeat(2000) + "\"}");
      }
      opener.sync();
    }
    try (WsClient late = WsClient.welcomed(server.port())) {
      late.send("{\"type\":\"join\",\"room\":\"lobby\",\"username\":\"late\"}");
      late.nextMessage(); // the greeting
      var joined = late.next("joined");
      assertThat(joined.getAsJsonArray("history").size()).isEqualTo(20);
      assertThat(joined.toString().length()).isGreaterThan(8192);
      assertThat(late.isOpen()).isTrue();
    }
  }

  /**
   * Whether the server closed the connection: end of stream, or a reset when the client had written
   * bytes the server never read. A read timeout (10 s) means it is still open.
   */
  private static boolean serverClosed(Socket socket) throws java.io.IOException {
    try {
      return socket.getInputStream().read() == -1;
    } catch (java.net.SocketTimeoutException stillOpen) {
      return false;
    } catch (java.net.SocketException reset) {
      return true;
    }
  }

  @Test
  void aClientThatIgnoresTheServersCloseIsDroppedAfterTheCloseTimeout() throws Exception {
    server = TestServer.start();
    try (RawWebSocket deaf = RawWebSocket.connect(server.port())) {
      deaf.read(); // welcome
      deaf.sendText("{\"type\":\"join\",\"room\":\"lobby\",\"username\":\"deaf\"}");
      await("deaf to join", () -> server.chat.members("lobby").contains("deaf"));

      server.chat.disconnect("deaf", "bye").toCompletableFuture().join();

      assertThat(deaf.readUntilClose().closeCode()).isEqualTo(CloseCodes.DISCONNECTED_BY_SERVER);
      // It never answers the close; the server drops the connection and frees the name.
      assertThat(deaf.serverClosedConnection()).isTrue();
      await("the name to be free", () -> !server.chat.onlineUsers().contains("deaf"));
    }
  }

  @Test
  void aReaderTooSlowIsDisconnectedAndNobodyElseIsAffected() throws Exception {
    int maxMessages = 5_000;
    int batch = 10;
    RecordingMetrics metrics = new RecordingMetrics();
    server = new TestServer(
        b -> b.metrics(metrics).config(ChatConfig.builder().requestsPerSecond(100_000).requestBurst(100_000)
            .maxPendingRequests(10_000).historySize(0).announcePresence(false).build()),
        n -> n.maxQueuedBytes(64 * 1024));
    String padding = "x".repeat(3900); // under the 4000-char message limit
    try (RawWebSocket slow = RawWebSocket.connect(server.port(), "/chat", null, 4096);
         WsClient sender = WsClient.joined(server.port(), "lobby", "sender");
         WsClient reader = WsClient.joined(server.port(), "lobby", "reader")) {
      slow.read(); // welcome
      slow.sendText("{\"type\":\"join\",\"room\":\"lobby\",\"username\":\"slow\"}");
      await("slow to join", () -> server.chat.members("lobby").contains("slow"));
      // From here on the slow client reads nothing. The kernel's socket buffers take a few MB before
      // the server's own queue fills, so keep sending until the server gives up on it. The reader
      // takes each batch before the next is sent: it keeps up, so it must never be dropped.
      int sent = 0;
      // Past the bound the server sends close 4000 and drops the connection when the close timeout
      // runs out, so sending stops at a cap that is far beyond what the socket buffers can hold.
      while (server.chat.members("lobby").contains("slow") && sent < maxMessages) {
        for (int i = 0; i < batch; i++, sent++) {
          sender.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"" + sent + " " + padding + "\"}");
        }
        for (int i = sent - batch; i < sent; i++) {
          assertThat(reader.skipTo("message").getAsJsonObject("message").get("text").getAsString())
              .as("sent " + sent).startsWith(i + " ");
        }
      }
      await("the slow reader to be dropped", () -> !server.chat.members("lobby").contains("slow"));
      assertThat(slow.serverClosedConnection()).isTrue();
      assertThat(metrics.slowConsumers(ChatMetrics.Protocol.JSON)).isEqualTo(1);
      assertThat(metrics.slowConsumers(ChatMetrics.Protocol.SOCKET_IO)).isZero();
      assertThat(reader.isOpen()).isTrue();
      sender.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"after\"}");
      assertThat(reader.skipTo("message").getAsJsonObject("message").get("text").getAsString()).isEqualTo("after");
    } catch (EOFException | java.net.SocketException expected) {
      // closing the slow client's socket may fail after the server dropped it
    }
  }

  @Test
  void anUnexpectedServerFailureClosesThatConnectionWith1011() throws Exception {
    ChatServer real = ChatServer.builder().build();
    ChatServer failing = (ChatServer) Proxy.newProxyInstance(ChatServer.class.getClassLoader(),
        new Class<?>[] {ChatServer.class}, (proxy, method, args) -> {
          if (method.getName().equals("open")) {
            throw new IllegalStateException("simulated bug (expected by this test)");
          }
          return method.invoke(real, args);
        });
    NettyChatServer netty = NettyChatServer.create(failing, NettyConfig.builder().host("127.0.0.1").port(0).build())
        .start().toCompletableFuture().join();
    try (RawWebSocket c = RawWebSocket.connect(netty.port())) {
      assertThat(c.readUntilClose().closeCode()).isEqualTo(CloseCodes.INTERNAL_ERROR);
    } finally {
      netty.stop().toCompletableFuture().join();
      real.close();
    }
  }

  @Test
  void handshakesFromForeignOriginsAreRefused() throws Exception {
    server = TestServer.start();
    try (RawWebSocket foreign = RawWebSocket.connect(server.port(), "/chat", "http://evil.example", 0)) {
      assertThat(foreign.statusLine).contains(" 403 ");
    }
    try (RawWebSocket same = RawWebSocket.connect(server.port(), "/chat", "http://127.0.0.1:" + server.port(), 0)) {
      assertThat(same.upgraded()).isTrue();
    }
  }

  @Test
  void listedOriginsAreAllowed() throws Exception {
    server = new TestServer(b -> {}, n -> n.allowedOrigins(Set.of("https://chat.example.com")));
    try (RawWebSocket listed = RawWebSocket.connect(server.port(), "/chat", "https://chat.example.com", 0)) {
      assertThat(listed.upgraded()).isTrue();
    }
    try (RawWebSocket other = RawWebSocket.connect(server.port(), "/chat", "https://other.example.com", 0)) {
      assertThat(other.statusLine).contains(" 403 ");
    }
  }
}
