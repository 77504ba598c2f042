package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.parley.chat.ChatServer;
import dev.parley.chat.socketio.SocketIoConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Socket.IO endpoint's own limits and protocol order, driven by raw Engine.IO/Socket.IO clients:
 * the message size on both transports, unfinished binary events, and packets a client may not send
 * for a namespace in its state (as socket.io v4's reference server treats them).
 */
class SocketIoLimitsIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String WS = "/socket.io/?EIO=4&transport=websocket";
  private static final String TWO_ATTACHMENTS =
      "452-[\"upload\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]";

  private ChatServer chat;
  private NettyChatServer server;

  private NettyChatServer start(UnaryOperator<SocketIoConfig.Builder> socketIo) {
    chat = ChatServer.builder().build();
    server = NettyChatServer.builder(NettyConfig.builder().host("127.0.0.1").port(0).build())
        .chat(chat)
        .socketIo(socketIo.apply(SocketIoConfig.builder()).build())
        .onSocketIo(io -> io.of("/other").on("upload", (client, args, ack) -> { }))
        .build().start().toCompletableFuture().join();
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop().toCompletableFuture().join();
      chat.close();
    }
  }

  /** A WebSocket session connected to the main namespace; returns it with the open and CONNECT answers read. */
  private RawWebSocket connected() throws Exception {
    RawWebSocket ws = RawWebSocket.connect(server.port(), WS, null, 0);
    assertThat(ws.upgraded()).isTrue();
    assertThat(ws.read().text()).startsWith("0{");
    ws.sendText("40");
    assertThat(ws.read().text()).startsWith("40{\"sid\":");
    return ws;
  }

  // ---------------------------------------------------------------- message size (maxPayload)

  @Test
  void aWebSocketMessageOverMaxPayloadClosesWith1009EvenBelowMaxFrameBytes() throws Exception {
    start(b -> b.maxPayload(10_000)); // NettyConfig.maxFrameBytes stays at 64 KiB
    try (RawWebSocket ws = connected()) {
      ws.sendText("42[\"hello\",\"" + "x".repeat(20_000) + "\"]");
      assertThat(ws.readUntilClose().closeCode()).isEqualTo(1009);
    }
  }

  @Test
  void aFragmentedWebSocketMessageOverMaxPayloadClosesWith1009() throws Exception {
    start(b -> b.maxPayload(10_000));
    try (RawWebSocket ws = connected()) {
      ws.send(RawWebSocket.TEXT, "42[\"hello\",\"".getBytes(StandardCharsets.UTF_8), false);
      for (int i = 0; i < 3; i++) {
        ws.send(0, "x".repeat(4_000).getBytes(StandardCharsets.UTF_8), false);
      }
      assertThat(ws.readUntilClose().closeCode()).isEqualTo(1009);
    }
  }

  @Test
  void aWebSocketMessageUpToTheDefaultMaxPayloadIsAccepted() throws Exception {
    start(b -> b);
    try (RawWebSocket ws = connected()) {
      // Larger than NettyConfig.maxFrameBytes (64 KiB), within maxPayload (1,000,000): as socket.io's
      // maxHttpBufferSize, in one frame and in one-byte-per-fragment pieces alike.
      byte[] message = ("42[\"hello\",\"" + "x".repeat(900_000) + "\"]").getBytes(StandardCharsets.UTF_8);
      ws.sendText(new String(message, StandardCharsets.UTF_8));
      ws.send(RawWebSocket.TEXT, new byte[] {message[0]}, false);
      for (int i = 1; i < 2_000; i++) {
        ws.send(0, new byte[] {message[i]}, false);
      }
      ws.send(0, java.util.Arrays.copyOfRange(message, 2_000, message.length), true);
      ws.sendText("2");
      assertThat(ws.read().text()).as("still open: the ping is answered").isEqualTo("3");
    }
  }

  // ---------------------------------------------------------------- unfinished binary events

  @Test
  void aBinaryEventWhoseAttachmentsPassTheBoundClosesTheConnection() throws Exception {
    start(b -> b); // maxBinaryEventBytes 1,000,000 by default
    try (RawWebSocket ws = connected()) {
      ws.sendText("453-[\"upload\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1},"
          + "{\"_placeholder\":true,\"num\":2}]");
      ws.send(RawWebSocket.BINARY, new byte[600_000], true);
      ws.send(RawWebSocket.BINARY, new byte[600_000], true);
      assertThat(ws.readUntilClose().opcode()).isEqualTo(RawWebSocket.CLOSE);
    }
  }

  @Test
  void aBinaryEventStillIncompleteAtItsDeadlineClosesTheConnection() throws Exception {
    start(b -> b.binaryEventTimeout(Duration.ofMillis(300)));
    try (RawWebSocket ws = connected()) {
      ws.sendText(TWO_ATTACHMENTS);
      ws.send(RawWebSocket.BINARY, new byte[100_000], true);
      // The second attachment never comes: the session ends and what it held goes with it.
      assertThat(ws.readUntilClose().opcode()).isEqualTo(RawWebSocket.CLOSE);
    }
  }

  @Test
  void aCompleteBinaryEventWithinTheBoundsIsDelivered() throws Exception {
    start(b -> b.binaryEventTimeout(Duration.ofSeconds(30)));
    try (RawWebSocket ws = connected()) {
      // The chat answers a private message that is not "@name text" with an error event.
      ws.sendText("451-[\"new pm\",{\"_placeholder\":true,\"num\":0}]");
      ws.send(RawWebSocket.BINARY, new byte[] {1, 2, 3}, true);
      assertThat(ws.read().text()).startsWith("42[\"new message\",").contains("\"error\":true");
    }
  }

  // ---------------------------------------------------------------- packets out of order (item 10)

  @Test
  void aSecondConnectToAConnectedNamespaceClosesTheConnection() throws Exception {
    start(b -> b);
    try (RawWebSocket ws = connected()) {
      ws.sendText("40");
      assertThat(ws.readUntilClose().opcode()).isEqualTo(RawWebSocket.CLOSE);
    }
  }

  @Test
  void anEventBeforeAnyConnectClosesTheConnection() throws Exception {
    start(b -> b.connectTimeout(Duration.ofMinutes(1))); // not the connect timeout's close
    try (RawWebSocket ws = RawWebSocket.connect(server.port(), WS, null, 0)) {
      assertThat(ws.read().text()).startsWith("0{");
      ws.sendText("42[\"new message\",\"hi\"]");
      assertThat(ws.readUntilClose().opcode()).isEqualTo(RawWebSocket.CLOSE);
    }
  }

  @Test
  void anEventForANamespaceNotConnectedClosesTheConnection() throws Exception {
    start(b -> b);
    try (RawWebSocket ws = connected()) {
      ws.sendText("42/other,[\"upload\"]");
      assertThat(ws.readUntilClose().opcode()).isEqualTo(RawWebSocket.CLOSE);
    }
  }

  @Test
  void anEventBeforeConnectOverPollingEndsTheSessionWithAClosePacket() throws Exception {
    start(b -> b.connectTimeout(Duration.ofMinutes(1))); // not the connect timeout's close
    String base = "http://127.0.0.1:" + server.port() + "/socket.io/?EIO=4&transport=polling";
    String open = HTTP.send(HttpRequest.newBuilder(URI.create(base)).build(), HttpResponse.BodyHandlers.ofString()).body();
    String q = base + "&sid=" + JsonParser.parseString(open.substring(1)).getAsJsonObject().get("sid").getAsString();
    HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(q))
        .POST(HttpRequest.BodyPublishers.ofString("42[\"new message\",\"hi\"]")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.body()).isEqualTo("ok");
    HttpResponse<String> poll = HTTP.send(HttpRequest.newBuilder(URI.create(q)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(poll.body().equals("1") || poll.statusCode() == 400).as("closed: %s", poll.body()).isTrue();
  }

  @Test
  void anUnknownNamespaceStillGetsConnectErrorAndTheConnectionStays() throws Exception {
    start(b -> b);
    try (RawWebSocket ws = connected()) {
      ws.sendText("40/nope,");
      assertThat(ws.read().text()).isEqualTo("44/nope,{\"message\":\"Invalid namespace\"}");
      ws.sendText("2");
      assertThat(ws.read().text()).isEqualTo("3");
    }
  }
}
