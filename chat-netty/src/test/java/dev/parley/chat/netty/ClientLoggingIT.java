package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parley.chat.ChatServer;
import dev.parley.chat.MessageDecision;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What a client can make the server log (docs/operations.md, "Logging"): nothing at WARN or above,
 * and none of its own text unescaped. Runs in its own failsafe execution, with Parley's loggers at
 * DEBUG, so that every line a client can cause is seen.
 */
class ClientLoggingIT {
  private static final Duration SEEN = Duration.ofSeconds(10);
  /** A forged log line, and the escape sequence that clears a terminal. */
  private static final String HOSTILE = "x\r\n[main] ERROR forged line\u001b[2J";
  private static final String HOSTILE_JSON = "x\\r\\n[main] ERROR forged line\\u001b[2J";
  private static final String HOSTILE_ESCAPED = "x\\r\\n[main] ERROR forged line\\u001B[2J";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ChatServer chat;
  private NettyChatServer server;
  private LogCapture log;

  @BeforeAll
  static void debugIsOn() {
    assumeTrue(LoggerFactory.getLogger("dev.parley.chat.netty.internal.ChatFrameHandler").isDebugEnabled(),
        "runs in the client-logging failsafe execution, with Parley's loggers at DEBUG");
  }

  @BeforeEach
  void start() {
    chat = ChatServer.builder()
        // A bug in server code, set off by a client's message: its log line must not carry the text raw.
        .onMessage(ctx -> ctx.message().text().startsWith("bug")
            ? MessageDecision.rewrite("bug", Map.of("not JSON", Double.NaN)) : MessageDecision.accept())
        .build();
    server = NettyChatServer.builder(NettyConfig.builder().host("127.0.0.1").port(0).build())
        .chat(chat)
        .httpRoute("/boom" + HOSTILE, request -> {
          throw new IllegalStateException("a route with a bug");
        })
        .build().start().toCompletableFuture().join();
    log = new LogCapture();
  }

  @AfterEach
  void stop() {
    log.close();
    server.stop().toCompletableFuture().join();
    chat.close();
  }

  private Socket open() throws Exception {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
    return s;
  }

  private static void reset(Socket s) throws Exception {
    s.setSoLinger(true, 0);
    s.close();
  }

  private void assertNoWarningOrError() {
    assertThat(log.lines()).noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR "));
  }

  private void awaitLine(String part) throws InterruptedException {
    assertThat(log.await(l -> l.contains(part), SEEN)).as("a log line with " + part).isTrue();
  }

  /** Waits for {@code count} lines with {@code part}: the server has handled that many connections' ends. */
  private void awaitLines(String part, int count) throws InterruptedException {
    assertThat(log.await(l -> log.lines().stream().filter(x -> x.contains(part)).count() >= count, SEEN))
        .as(count + " log lines with " + part + " in\n" + log.text()).isTrue();
  }

  // ------------------------------------------------------------------ no WARN or ERROR from clients

  @Test
  void aResetBeforeTheUpgrade_isLoggedAtDebugOnly() throws Exception {
    Socket s = open();
    s.getOutputStream().write("GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    reset(s);
    awaitLine("Connection reset");
    assertNoWarningOrError();
  }

  @Test
  void aConnectionClosedInTheMiddleOfAFragmentedMessage_isLoggedAtDebugOnly() throws Exception {
    for (String path : new String[] {"/chat", "/socket.io/?EIO=4&transport=websocket"}) {
      try (RawWebSocket ws = RawWebSocket.connect(server.port(), path, null, 0)) {
        assertThat(ws.upgraded()).as(path).isTrue();
        ws.send(RawWebSocket.TEXT, "{\"type\":".getBytes(StandardCharsets.UTF_8), false);
        // A ping between fragments is allowed; its pong proves the first fragment has been read.
        ws.send(RawWebSocket.PING, new byte[0], true);
        while (ws.read().opcode() != RawWebSocket.PONG) {
          // the welcome, or Engine.IO's open packet
        }
      }
    }
    // MessageAssembler, once for each connection.
    awaitLines("closed in the middle of a fragmented message", 2);
    assertNoWarningOrError();
  }

  @Test
  void aRequestBodyCutOff_isLoggedAtDebugOnly() throws Exception {
    for (String path : new String[] {"/socket.io/?EIO=4&transport=polling", "/chat"}) {
      try (Socket s = open()) {
        OutputStream out = s.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n0123456789")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    }
    awaitLines("still aggregating", 2);
    assertNoWarningOrError();
  }

  @Test
  void aSocketIoChatClientsBadRequestsAreAnsweredInTheirAcks_notLogged() throws Exception {
    String base = "http://127.0.0.1:" + server.port() + "/socket.io/?EIO=4&transport=polling";
    String open = HTTP.send(HttpRequest.newBuilder(URI.create(base)).build(), HttpResponse.BodyHandlers.ofString()).body();
    String q = base + "&sid=" + open.replaceAll("(?s).*\"sid\":\"([^\"]+)\".*", "$1");
    post(q, "40");
    HTTP.send(HttpRequest.newBuilder(URI.create(q)).build(), HttpResponse.BodyHandlers.ofString()); // the CONNECT reply
    String sep = "\u001e";
    post(q, "421[\"nobody handles this\",1]"
        + sep + "451-2[\"new message\",{\"message\":\"x\",\"data\":{\"f\":{\"_placeholder\":true,\"num\":0}}}]"
        + sep + "bAQI=" // binary inside data
        + sep + "423[\"new message\",{\"message\":\"x\",\"data\":\"no\"}]"
        + sep + "424[\"clear history\",\"nowhere\"]"
        + sep + "425[\"members\",{\"room\":\"nowhere\"}]");
    StringBuilder answers = new StringBuilder();
    long deadline = System.nanoTime() + SEEN.toNanos();
    while (!answers.toString().contains("435[") && System.nanoTime() < deadline) {
      answers.append(HTTP.send(HttpRequest.newBuilder(URI.create(q)).build(), HttpResponse.BodyHandlers.ofString()).body());
    }
    String got = answers.toString();
    assertThat(got).contains("431[{\"error\":true,\"code\":\"UNKNOWN_TYPE\"")
        // Gson writes the apostrophes as \\u0027.
        .contains("432[{\"error\":true,\"code\":\"BAD_REQUEST\",\"msg\":\"Field \\u0027data.f\\u0027 is binary")
        .contains("433[{\"error\":true,\"code\":\"BAD_REQUEST\",\"msg\":\"Field \\u0027data\\u0027 must be an object\"")
        .contains("434[{\"error\":true,\"code\":\"NOT_IN_ROOM\"")
        .contains("435[{\"error\":true,\"code\":\"NOT_IN_ROOM\"");
    assertNoWarningOrError();
  }

  // ------------------------------------------------------------------ client text is escaped

  private void assertNeverRaw() {
    String all = log.text();
    assertThat(all).as("an ESC byte in the log").doesNotContain("\u001b");
    assertThat(log.lines()).as("a forged line").noneMatch(l -> l.startsWith("[main] ERROR forged line"));
  }

  @Test
  void aSocketIoEventNameIsEscaped() throws Exception {
    String base = "http://127.0.0.1:" + server.port() + "/socket.io/?EIO=4&transport=polling";
    String open = HTTP.send(HttpRequest.newBuilder(URI.create(base)).build(), HttpResponse.BodyHandlers.ofString()).body();
    String sid = open.replaceAll("(?s).*\"sid\":\"([^\"]+)\".*", "$1");
    String q = base + "&sid=" + sid;
    post(q, "40");
    HTTP.send(HttpRequest.newBuilder(URI.create(q)).build(), HttpResponse.BodyHandlers.ofString()); // the CONNECT reply
    post(q, "42[\"" + HOSTILE_JSON + "\",1]");
    awaitLine("no handler for event");
    assertThat(log.text()).contains("no handler for event '" + HOSTILE_ESCAPED + "'");
    assertNeverRaw();
  }

  private static void post(String uri, String body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(uri))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void messageTextInTheLogOfAFailedRequestIsEscaped() throws Exception {
    try (WsClient c = WsClient.joined(server.port(), "lobby", "alice")) {
      c.send("{\"type\":\"message\",\"id\":\"m\",\"room\":\"lobby\",\"text\":\"bug " + HOSTILE_JSON + "\"}");
      c.nextError("INTERNAL_ERROR");
    }
    awaitLine("request failed");
    assertThat(log.text()).contains("bug " + HOSTILE_ESCAPED);
    assertNeverRaw();
  }

  @Test
  void aRequestPathInTheLogOfAFailedRouteIsEscaped() throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + "/boomx%0D%0A%5Bmain%5D%20ERROR%20forged%20line%1B%5B2J"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("the route ran, and failed").isEqualTo(500);
    awaitLine("HTTP route");
    assertThat(log.text()).contains("HTTP route /boom" + HOSTILE_ESCAPED + " failed");
    assertNeverRaw();
  }
}
