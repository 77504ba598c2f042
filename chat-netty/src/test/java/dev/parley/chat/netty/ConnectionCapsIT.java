package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ConnectDecision;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection caps: each refuses a new connection with an HTTP answer before the upgrade while
 * connected clients keep chatting, and admits again once connections close.
 */
class ConnectionCapsIT {
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static final String BUSY = " 503 ";
  private static final String ADDRESS_FULL = " 429 ";

  /** Tries to upgrade until one attempt is admitted, within the test timeout; closes the refused ones. */
  private RawWebSocket awaitAdmitted(String extraHeaders) throws IOException {
    Instant deadline = Instant.now().plus(WsClient.TIMEOUT);
    for (;;) {
      RawWebSocket attempt = RawWebSocket.connectWith(server.port(), extraHeaders);
      if (attempt.upgraded()) {
        return attempt;
      }
      attempt.close();
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("never admitted again; last answer: " + attempt.statusLine);
      }
      pause();
    }
  }

  private static void assertRefused(RawWebSocket refused, String status, String retryAfter) throws IOException {
    try (refused) {
      assertThat(refused.statusLine).contains(status);
      assertThat(refused.head).containsIgnoringCase("retry-after: " + retryAfter + "\r\n");
      assertThat(refused.serverClosedConnection()).isTrue();
    }
  }

  /** The chatting client's message is still acknowledged. */
  private static void assertStillChatting(WsClient chatter, String text) {
    chatter.send("{\"type\":\"message\",\"id\":\"" + text + "\",\"room\":\"lobby\",\"text\":\"" + text + "\"}");
    assertThat(chatter.skipTo("ack").getAsJsonObject("message").get("text").getAsString()).isEqualTo(text);
  }

  @Test
  void overTheTotalCapANewConnectionGets503_andIsAdmittedOnceOneCloses() throws Exception {
    server = new TestServer(b -> {}, n -> n.maxConnections(2));
    try (WsClient chatter = WsClient.joined(server.port(), "lobby", "alice")) {
      RawWebSocket second = RawWebSocket.connect(server.port());
      assertThat(second.upgraded()).isTrue();

      assertRefused(RawWebSocket.connect(server.port()), BUSY, "1");
      assertStillChatting(chatter, "still-here");

      second.close();
      try (RawWebSocket again = awaitAdmitted("")) {
        assertThat(again.read().text()).contains("welcome");
      }
      assertStillChatting(chatter, "and-still");
    }
  }

  @Test
  void overThePerAddressCapANewConnectionGets429_andIsAdmittedOnceOneCloses() throws Exception {
    server = new TestServer(b -> {}, n -> n.maxConnectionsPerAddress(2));
    try (WsClient chatter = WsClient.joined(server.port(), "lobby", "alice")) {
      RawWebSocket second = RawWebSocket.connect(server.port());
      assertThat(second.upgraded()).isTrue();

      assertRefused(RawWebSocket.connect(server.port()), ADDRESS_FULL, "10");
      // Plain HTTP connections count too: a long-polling client is one more connection.
      assertRefused(RawWebSocket.upgrade(server.port(), "/socket.io/?EIO=4&transport=polling", "", 0),
          ADDRESS_FULL, "10");
      assertStillChatting(chatter, "still-here");

      second.close();
      awaitAdmitted("").close();
      assertStillChatting(chatter, "and-still");
    }
  }

  @Test
  void overTheHandshakeCapANewConnectionGets503_andIsAdmittedOnceTheSilentOneCloses() throws Exception {
    // The silent socket must outlast the test's refusal however slow the machine: a long handshake timeout.
    server = new TestServer(b -> {}, n -> n.maxPendingHandshakes(1).handshakeTimeout(Duration.ofMinutes(2)));
    try (WsClient chatter = WsClient.joined(server.port(), "lobby", "alice");
        Silent silent = new Silent(server.port())) { // never sends its request
      try (RawWebSocket refused = awaitRefusal(silent)) {
        assertRefused(refused, BUSY, "1");
      }
      assertStillChatting(chatter, "still-here");

      silent.close();
      awaitAdmitted("").close();
      assertStillChatting(chatter, "and-still");
    }
  }

  @Test
  void overThePerAddressHandshakeCapANewConnectionGets429_andIsAdmittedOnceTheSilentOneCloses() throws Exception {
    server = new TestServer(b -> {},
        n -> n.maxPendingHandshakesPerAddress(1).handshakeTimeout(Duration.ofMinutes(2)));
    try (WsClient chatter = WsClient.joined(server.port(), "lobby", "alice");
        Silent silent = new Silent(server.port())) { // never sends its request
      try (RawWebSocket refused = awaitRefusal(silent)) {
        assertRefused(refused, ADDRESS_FULL, "10");
      }
      assertStillChatting(chatter, "still-here");

      silent.close();
      awaitAdmitted("").close();
      assertStillChatting(chatter, "and-still");
    }
  }

  /**
   * The silent socket's accept may still be on its way when the next connection arrives, and the two
   * are counted on different event loops: the attempt may get in first, and then the silent socket
   * is the one refused (and closed), which no later attempt could be refused for. So: try until one
   * is refused, opening the silent socket again whenever the server refused it.
   */
  private RawWebSocket awaitRefusal(Silent silent) throws IOException {
    Instant deadline = Instant.now().plus(WsClient.TIMEOUT);
    for (;;) {
      RawWebSocket attempt = RawWebSocket.connect(server.port());
      if (!attempt.upgraded()) {
        return attempt;
      }
      attempt.close();
      silent.reopenIfRefused();
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("never refused");
      }
      pause();
    }
  }

  /** A connection that never sends its request, holding a handshake slot. */
  private static final class Silent implements AutoCloseable {
    private final int port;
    private Socket socket;

    Silent(int port) throws IOException {
      this.port = port;
      this.socket = new Socket("127.0.0.1", port);
    }

    /** The server answers a silent connection only to refuse it: then it is opened again. */
    void reopenIfRefused() throws IOException {
      socket.setSoTimeout(1);
      try {
        socket.getInputStream().read();
      } catch (java.net.SocketTimeoutException stillWaiting) {
        return; // nothing came: it still holds its slot
      } catch (IOException reset) {
        // refused and reset: open it again
      }
      socket.close();
      socket = new Socket("127.0.0.1", port);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** Between attempts: leaves the CPU to the server, which on a small machine shares it. */
  private static void pause() {
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
  }

  @Test
  void overTheAcceptRateANewConnectionGets503_andIsAdmittedOnceTheBucketRefills() throws Exception {
    server = new TestServer(b -> {}, n -> n.acceptsPerSecond(1).acceptBurst(2));
    try (WsClient chatter = WsClient.joined(server.port(), "lobby", "alice")) {
      // One token left, one more each second: a few quick attempts run out of them.
      RawWebSocket refused = null;
      for (int i = 0; i < 10 && refused == null; i++) {
        RawWebSocket attempt = RawWebSocket.connect(server.port());
        if (attempt.upgraded()) {
          attempt.close();
        } else {
          refused = attempt;
        }
      }
      assertThat(refused).as("a refusal within 10 quick attempts").isNotNull();
      assertRefused(refused, BUSY, "1");
      assertStillChatting(chatter, "still-here");

      awaitAdmitted("").close();
      assertStillChatting(chatter, "and-still");
    }
  }

  @Test
  void behindATrustedProxyTheForwardedAddressIsCountedAndSeenByHooks() throws Exception {
    ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
    server = new TestServer(
        b -> b.onConnect(h -> {
          seen.add(h.remoteAddress());
          return ConnectDecision.accept();
        }),
        n -> n.trustedProxies(Set.of("127.0.0.0/8")).maxConnectionsPerAddress(1));
    try (RawWebSocket first = RawWebSocket.connectWith(server.port(), "X-Forwarded-For: 203.0.113.7\r\n")) {
      assertThat(first.upgraded()).isTrue();
      first.read(); // welcome: the hook has run
      assertThat(seen).containsExactly("203.0.113.7");

      assertRefused(RawWebSocket.connectWith(server.port(), "X-Forwarded-For: 203.0.113.7\r\n"), ADDRESS_FULL, "10");
      // A spoofed entry from the client, before the address the proxy appended, changes nothing.
      assertRefused(RawWebSocket.connectWith(server.port(), "X-Forwarded-For: 198.51.100.1, 203.0.113.7\r\n"),
          ADDRESS_FULL, "10");
      try (RawWebSocket other = RawWebSocket.connectWith(server.port(), "X-Forwarded-For: 203.0.113.8\r\n")) {
        assertThat(other.upgraded()).isTrue();
      }
    }
  }

  @Test
  void fromAnUntrustedPeerXForwardedForIsIgnored() throws Exception {
    ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
    server = new TestServer(
        b -> b.config(ChatConfig.defaults()).onConnect(h -> {
          seen.add(h.remoteAddress());
          return ConnectDecision.accept();
        }),
        n -> n.trustedProxies(Set.of("10.9.9.9")).maxConnectionsPerAddress(1));
    try (RawWebSocket first = RawWebSocket.connectWith(server.port(), "X-Forwarded-For: 203.0.113.7\r\n")) {
      assertThat(first.upgraded()).isTrue();
      first.read(); // welcome: the hook has run
      assertThat(seen).singleElement().asString().startsWith("127.0.0.1:");

      assertRefused(RawWebSocket.connectWith(server.port(), "X-Forwarded-For: 203.0.113.8\r\n"), ADDRESS_FULL, "10");
    }
  }
}
