package dev.parley.chat.netty;

import dev.parley.chat.netty.internal.EngineIoTestAccess;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.parley.chat.ChatServer;
import dev.parley.chat.socketio.SocketIoConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Engine.IO v4 as the reference server behaves, case by case (the engine.io-protocol test suite's
 * checklist): handshake, errors, long-polling payloads, heartbeat, close and upgrade.
 */
class EngineIoIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static ChatServer chat;
  /** Pings rarely, so that no ping lands in the middle of a test. */
  private static NettyChatServer server;
  /** Pings every 300 ms with a 200 ms timeout, for the heartbeat cases. */
  private static NettyChatServer fastPings;

  @BeforeAll
  static void start() {
    chat = ChatServer.builder().build();
    server = start(Duration.ofSeconds(25), Duration.ofSeconds(20));
    fastPings = start(Duration.ofMillis(300), Duration.ofMillis(200));
  }

  private static NettyChatServer start(Duration pingInterval, Duration pingTimeout) {
    return NettyChatServer.builder(NettyConfig.builder().host("127.0.0.1").port(0)
            .pingInterval(pingInterval).pingTimeout(pingTimeout)
            .allowedOrigins(Set.of("https://app.example.com")).build())
        .chat(chat)
        .socketIo(SocketIoConfig.builder().connectTimeout(Duration.ofSeconds(30)).build())
        .onSocketIo(io -> io.of("/kick").on("kick-me", (client, args, ack) -> client.disconnect()))
        .build().start().toCompletableFuture().join();
  }

  @AfterAll
  static void stop() {
    server.stop().toCompletableFuture().join();
    fastPings.stop().toCompletableFuture().join();
    chat.close();
  }

  private static String base(NettyChatServer s) {
    return "http://127.0.0.1:" + s.port() + "/socket.io/";
  }

  private static HttpResponse<String> get(String query) throws Exception {
    return get(server, query);
  }

  private static HttpResponse<String> get(NettyChatServer s, String query) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base(s) + query)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Starts a long-poll and returns once the server holds it. */
  private static CompletableFuture<HttpResponse<String>> pendingPoll(String sid) {
    CompletableFuture<HttpResponse<String>> poll = HTTP.sendAsync(
        HttpRequest.newBuilder(URI.create(base(server) + "?EIO=4&transport=polling&sid=" + sid)).build(),
        HttpResponse.BodyHandlers.ofString());
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!EngineIoTestAccess.hasPendingPoll(server.engineIo(), sid)) {
      assertThat(System.nanoTime()).as("the poll reaches the server").isLessThan(deadline);
      assertThat(poll).as("the poll is still waiting").isNotDone();
      Thread.yield();
    }
    return poll;
  }

  private static HttpResponse<String> post(String query, String body) throws Exception {
    return post(server, query, body);
  }

  private static HttpResponse<String> post(NettyChatServer s, String query, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base(s) + query)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String openSession() throws Exception {
    return openSession(server);
  }

  private static String openSession(NettyChatServer s) throws Exception {
    HttpResponse<String> r = get(s, "?EIO=4&transport=polling");
    assertThat(r.statusCode()).isEqualTo(200);
    return JsonParser.parseString(r.body().substring(1)).getAsJsonObject().get("sid").getAsString();
  }

  /** Connects the polling session to the "/kick" namespace; returns its polling query. */
  private static String connectedToKick(String sid) throws Exception {
    String q = "?EIO=4&transport=polling&sid=" + sid;
    assertThat(post(q, "40/kick,").body()).isEqualTo("ok");
    assertThat(get(q).body()).startsWith("40/kick,{\"sid\":");
    return q;
  }

  private static void assertError(HttpResponse<String> r, int status, int code, String message) {
    assertThat(r.statusCode()).isEqualTo(status);
    JsonObject body = JsonParser.parseString(r.body()).getAsJsonObject();
    assertThat(body.get("code").getAsInt()).isEqualTo(code);
    assertThat(body.get("message").getAsString()).isEqualTo(message);
  }

  @Test
  void handshakeOverPolling() throws Exception {
    HttpResponse<String> r = get("?EIO=4&transport=polling");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).startsWith("0");
    JsonObject open = JsonParser.parseString(r.body().substring(1)).getAsJsonObject();
    assertThat(open.keySet()).containsExactlyInAnyOrder("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload");
    assertThat(open.get("upgrades").toString()).isEqualTo("[\"websocket\"]");
    assertThat(open.get("pingInterval").getAsInt()).isEqualTo(25_000);
    assertThat(open.get("pingTimeout").getAsInt()).isEqualTo(20_000);
    assertThat(open.get("maxPayload").getAsInt()).isEqualTo(1_000_000);
    assertThat(open.get("sid").getAsString()).hasSize(20).matches("[A-Za-z0-9_-]+");
  }

  @Test
  void handshakeErrorsAreTheReferenceServers() throws Exception {
    assertError(get("?transport=polling"), 400, 5, "Unsupported protocol version");
    assertError(get("?EIO=abc&transport=polling"), 400, 5, "Unsupported protocol version");
    assertError(get("?EIO=3&transport=polling"), 400, 5, "Unsupported protocol version");
    assertError(get("?EIO=4"), 400, 0, "Transport unknown");
    assertError(get("?EIO=4&transport=abc"), 400, 0, "Transport unknown");
    assertError(post("?EIO=4&transport=polling", ""), 400, 2, "Bad handshake method");
    assertError(get("?EIO=4&transport=polling&sid=nope"), 400, 1, "Session ID unknown");
    assertError(get("?EIO=4&transport=websocket"), 400, 3, "Bad request");
  }

  @Test
  void pollingCarriesTextAndBinaryPacketsBothWays() throws Exception {
    String sid = openSession();
    String q = "?EIO=4&transport=polling&sid=" + sid;
    assertThat(post(q, "40").body()).isEqualTo("ok");
    assertThat(get(q).body()).startsWith("40{\"sid\":");
    // A binary event: the packet, then its attachment as base64. The chat bridge answers a private
    // message that is not "@name text" with an error event.
    HttpResponse<String> pushed = post(q, "451-[\"new pm\",{\"_placeholder\":true,\"num\":0}]\u001ebAQIDBA==");
    assertThat(pushed.statusCode()).isEqualTo(200);
    assertThat(get(q).body()).startsWith("42[\"new message\",").contains("\"error\":true");
  }

  /**
   * A client that asks for {@code Connection: close} is told so in the answer, not only left with a
   * closed socket (Node's pooling agent reuses a socket whose answer did not say it, and its next
   * request hangs up); and one that shuts its side right after a whole request still gets the
   * answer, as Node's client does with such requests.
   */
  @Test
  void aRequestThatClosesItsConnectionIsAnswered_andToldTheConnectionCloses() throws Exception {
    String sid = openSession();
    String poll = "?EIO=4&transport=polling&sid=" + sid;
    for (int i = 0; i < 20; i++) {
      // Connects the chat namespace, then sends it events.
      String reply = rawPost(sid, i == 0 ? "40" : "42[\"typing\"," + i + "]");
      assertThat(reply).as("POST %d, then its half-close", i).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nok");
      assertThat(reply.toLowerCase(java.util.Locale.ROOT)).contains("\r\nconnection: close\r\n");
      if (i == 0) {
        // Its answer waits for the chat server; an event before it would be out of order (a stock
        // client buffers its emits until then), and the server would close the session.
        assertThat(get(poll).body()).startsWith("40{\"sid\":");
      }
    }
    HttpResponse<String> polled = get(poll);
    assertThat(polled.statusCode()).as("the session took every packet").isEqualTo(200);
    assertThat(polled.body()).as("the chat namespace answered the events").startsWith("42");
  }


  /** A polling POST over its own connection, written whole and followed by a half-close; the raw answer. */
  private static String rawPost(String sid, String body) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      String request = "POST /socket.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Connection: close\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: " + body.length()
          + "\r\n\r\n" + body;
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.shutdownOutput();
      return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
    }
  }

  @Test
  void aPollingBodyOverMaxPayloadIs413() throws Exception {
    String q = "?EIO=4&transport=polling&sid=" + openSession();
    assertThat(post(q, "4" + "x".repeat(1_000_000)).statusCode()).isEqualTo(413);
    assertThat(post(q, "4" + "x".repeat(900_000)).statusCode()).as("within maxPayload").isEqualTo(200);
  }

  @Test
  void anInvalidPacketClosesTheSession() throws Exception {
    String q = "?EIO=4&transport=polling&sid=" + openSession();
    assertThat(post(q, "abc").statusCode()).isEqualTo(400);
    assertThat(get(q).statusCode()).isEqualTo(400);
  }

  @Test
  void twoPollsAtOnceCloseTheSession() throws Exception {
    String sid = openSession();
    String q = "?EIO=4&transport=polling&sid=" + sid;
    CompletableFuture<HttpResponse<String>> waiting = pendingPoll(sid);

    assertThat(get(q).statusCode()).isEqualTo(400);

    assertThat(waiting.join().body()).isEqualTo("1");
    assertThat(get(q).statusCode()).isEqualTo(400);
  }

  @Test
  void pingsArriveAndPongsKeepTheSessionAlive() throws Exception {
    String q = "?EIO=4&transport=polling&sid=" + openSession(fastPings);
    for (int i = 0; i < 3; i++) {
      assertThat(get(fastPings, q).body()).isEqualTo("2");
      assertThat(post(fastPings, q, "3").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aSessionThatDoesNotPongIsClosed() throws Exception {
    String q = "?EIO=4&transport=polling&sid=" + openSession(fastPings);
    assertThat(get(fastPings, q).body()).isEqualTo("2");
    // No pong: the next poll waits until the ping timeout, then ends with a close packet.
    assertThat(get(fastPings, q).body()).isEqualTo("1");
    assertThat(get(fastPings, q).statusCode()).isEqualTo(400);
  }

  @Test
  void aClientCloseEndsThePendingPollWithANoop() throws Exception {
    String sid = openSession();
    String q = "?EIO=4&transport=polling&sid=" + sid;
    CompletableFuture<HttpResponse<String>> poll = pendingPoll(sid);
    assertThat(post(q, "1").statusCode()).isEqualTo(200);
    assertThat(poll.join().body()).isEqualTo("6");
    assertThat(get(q).statusCode()).isEqualTo(400);
  }

  @Test
  void webSocketHandshakeAndPingPong() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(fastPings.port(), "/socket.io/?EIO=4&transport=websocket", null, 0)) {
      String open = ws.read().text();
      assertThat(open).startsWith("0{").contains("\"upgrades\":[]");
      for (int i = 0; i < 3; i++) {
        assertThat(ws.read().text()).isEqualTo("2");
        ws.sendText("3");
      }
      ws.sendText("1");
      assertThat(ws.readUntilClose().opcode()).isEqualTo(RawWebSocket.CLOSE);
    }
  }

  /**
   * The sessions of a loop wait for their pings in one queue with one timer: a session that
   * closed while waiting, and one that answers late, leave the others' pings on time.
   */
  @Test
  void sessionsWaitingForPingsInOneQueueAreEachPingedOnTime() throws Exception {
    List<RawWebSocket> sockets = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        RawWebSocket ws = RawWebSocket.connect(fastPings.port(), "/socket.io/?EIO=4&transport=websocket", null, 0);
        sockets.add(ws);
        assertThat(ws.read().text()).startsWith("0{");
      }
      sockets.get(1).sendText("1"); // closes while its ping waits
      assertThat(sockets.get(1).readUntilClose().opcode()).isEqualTo(RawWebSocket.CLOSE);
      List<RawWebSocket> open = List.of(sockets.get(0), sockets.get(2), sockets.get(3));
      for (int round = 0; round < 3; round++) {
        for (RawWebSocket ws : open) {
          assertThat(ws.read().text()).as("round %d", round).isEqualTo("2");
          // The first stops answering in the last round: its own deadline closes it, no other.
          if (round < 2 || ws != open.get(0)) {
            ws.sendText("3");
          }
        }
      }
      assertThat(open.get(0).readUntilClose().opcode()).isEqualTo(RawWebSocket.CLOSE);
      for (RawWebSocket ws : open.subList(1, 3)) {
        assertThat(ws.read().text()).as("after the other's timeout").isEqualTo("2");
        ws.sendText("3");
      }
    } finally {
      for (RawWebSocket ws : sockets) {
        ws.close();
      }
    }
  }

  @Test
  void anInvalidWebSocketPacketClosesTheSession() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/socket.io/?EIO=4&transport=websocket", null, 0)) {
      ws.read(); // open
      ws.sendText("abc");
      assertThat(ws.readUntilClose().opcode()).isEqualTo(RawWebSocket.CLOSE);
    }
  }

  @Test
  void webSocketHandshakesWithBadParametersAreRefused() throws Exception {
    for (String query : new String[] {"?transport=websocket", "?EIO=abc&transport=websocket", "?EIO=4", "?EIO=4&transport=abc",
        "?EIO=4&transport=websocket&sid=unknown"}) {
      try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/socket.io/" + query, null, 0)) {
        assertThat(ws.upgraded()).as(query).isFalse();
        assertThat(ws.statusLine).as(query).contains(" 400 ");
      }
    }
  }

  @Test
  void upgradeFromPollingToWebSocket() throws Exception {
    String sid = openSession();
    String q = "?EIO=4&transport=polling&sid=" + sid;
    try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/socket.io/?EIO=4&transport=websocket&sid=" + sid, null, 0)) {
      assertThat(ws.upgraded()).isTrue();
      ws.sendText("2probe");
      assertThat(ws.read().text()).isEqualTo("3probe");
      assertThat(get(q).body()).isEqualTo("6");
      ws.sendText("5");
      // Frames are handled in order: once the connect is answered over the WebSocket, so is "5".
      ws.sendText("40");
      String connect = ws.read().text();
      while (connect.equals("6")) {
        connect = ws.read().text();
      }
      assertThat(connect).startsWith("40{\"sid\":");
      assertThat(get(q).statusCode()).as("polling after the upgrade").isEqualTo(400);
      try (RawWebSocket second = RawWebSocket.connect(server.port(), "/socket.io/?EIO=4&transport=websocket&sid=" + sid, null, 0)) {
        // As the reference server: the second WebSocket is upgraded and closed at once.
        assertThat(second.upgraded()).isTrue();
        assertThat(second.readUntilClose().opcode()).isEqualTo(RawWebSocket.CLOSE);
      }
    }
  }

  @Test
  void leavingTheMainNamespaceKeepsTheConnection() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/socket.io/?EIO=4&transport=websocket", null, 0)) {
      ws.read(); // open
      ws.sendText("40");
      assertThat(ws.read().text()).startsWith("40{\"sid\":");
      ws.sendText("41");
      ws.sendText("40");
      assertThat(ws.read().text()).as("connected again on the same connection").startsWith("40{\"sid\":");
    }
  }

  @Test
  void aServerDisconnectOverPollingArrivesBeforeAndApartFromTheClose() throws Exception {
    String sid = openSession();
    String q = connectedToKick(sid);
    CompletableFuture<HttpResponse<String>> poll = pendingPoll(sid);

    assertThat(post(q, "42/kick,[\"kick-me\"]").body()).isEqualTo("ok");

    // socket.io-client acts on a payload's close packet before its other packets, so a disconnect
    // sharing the close's payload would reach the application as "transport close".
    assertThat(poll.join().body()).as("the disconnect, alone").isEqualTo("41/kick,");
    // Then the session ends: the next poll gets the close packet if it arrives before the close is
    // done, else the session is already gone.
    HttpResponse<String> next = get(q);
    assertThat(next.body().equals("1") || next.statusCode() == 400).as("then the close: %s", next.body()).isTrue();
    assertThat(get(q).statusCode()).isEqualTo(400);
  }

  @Test
  void aServerDisconnectWithNoPollWaitingGoesToTheNextPollAndTheCloseToTheOneAfter() throws Exception {
    String sid = openSession();
    String q = connectedToKick(sid);

    assertThat(post(q, "42/kick,[\"kick-me\"]").body()).isEqualTo("ok");
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (EngineIoTestAccess.isOpen(server.engineIo(), sid)) {
      assertThat(System.nanoTime()).as("the server closes the session").isLessThan(deadline);
      Thread.yield();
    }

    assertThat(get(q).body()).as("the disconnect, alone").isEqualTo("41/kick,");
    assertThat(get(q).body()).as("then the close").isEqualTo("1");
    assertThat(get(q).statusCode()).isEqualTo(400);
  }

  @Test
  void aPollRacingTheClientsCloseGetsANoop() throws Exception {
    String q = "?EIO=4&transport=polling&sid=" + openSession();
    assertThat(post(q, "1").statusCode()).isEqualTo(200);
    assertThat(get(q).body()).as("the poll that was on its way").isEqualTo("6");
    assertThat(get(q).statusCode()).isEqualTo(400);
  }

  @Test
  void corsPreflightAnswersOnlyAllowedOrigins() throws Exception {
    HttpResponse<String> allowed = HTTP.send(HttpRequest.newBuilder(URI.create(base(server) + "?EIO=4&transport=polling"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "https://app.example.com")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(allowed.statusCode()).isEqualTo(204);
    assertThat(allowed.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example.com");
    assertThat(allowed.headers().firstValue("access-control-allow-methods")).hasValueSatisfying(m -> assertThat(m).contains("POST"));
    assertThat(allowed.headers().firstValue("access-control-allow-headers")).hasValue("content-type");

    HttpResponse<String> foreign = HTTP.send(HttpRequest.newBuilder(URI.create(base(server) + "?EIO=4&transport=polling"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "https://evil.example").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(foreign.headers().firstValue("access-control-allow-origin")).isEmpty();
  }

  @Test
  void corsHeadersOnlyForAllowedOrigins() throws Exception {
    HttpResponse<String> allowed = HTTP.send(HttpRequest.newBuilder(URI.create(base(server) + "?EIO=4&transport=polling"))
        .header("Origin", "https://app.example.com").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example.com");
    assertThat(allowed.headers().firstValue("access-control-allow-credentials")).hasValue("true");

    HttpResponse<String> foreign = HTTP.send(HttpRequest.newBuilder(URI.create(base(server) + "?EIO=4&transport=polling"))
        .header("Origin", "https://evil.example").build(), HttpResponse.BodyHandlers.ofString());
    assertError(foreign, 403, 4, "Forbidden");
    assertThat(foreign.headers().firstValue("access-control-allow-origin")).isEmpty();

    try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/socket.io/?EIO=4&transport=websocket", "https://evil.example", 0)) {
      assertThat(ws.statusLine).contains(" 403 ");
    }
  }
}
