package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.parley.chat.ChatServer;
import dev.parley.chat.ConnectDecision;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connection state recovery on the wire, packet by packet, as socket.io-client 4.x expects it: the
 * CONNECT reply's {@code pid}, the offset as the last argument of room messages, and a CONNECT with
 * {@code {pid, offset}} answered with the same {@code sid} and the missed messages before live ones.
 * SocketIoClientIT runs the real client through the same.
 */
class SocketIoRecoveryIT {
  private ChatServer chat;
  private NettyChatServer server;

  @BeforeEach
  void start() {
    chat = ChatServer.builder().build();
    server = NettyChatServer.builder(NettyConfig.builder().host("127.0.0.1").port(0).build())
        .chat(chat)
        .onSocketIo(io -> {
          io.of("/custom").on("ping-me", (client, args, ack) -> ack.send("pong"));
          // Refuses a connect that asks for it, after the chat accepted it (and took its kept state).
          io.of("/").use(socket -> Boolean.TRUE.equals(socket.handshake().auth().get("refuse"))
              ? ConnectDecision.reject("Come back later") : null);
        })
        .build().start().toCompletableFuture().join();
  }

  @AfterEach
  void stop() {
    server.stop().toCompletableFuture().join();
    chat.close();
  }

  @Test
  void aDroppedSocketComesBackWithItsSidAndExactlyWhatItMissed() throws Exception {
    try (RawWebSocket other = open()) {
      RawWebSocket wire = open();
      JsonObject first = bothInTheRoom(other, wire);
      assertThat(first.keySet()).as("as the reference server: sid, then pid").containsExactly("sid", "pid");
      String sid = first.get("sid").getAsString();
      String pid = first.get("pid").getAsString();

      say(other, "hello");
      JsonArray hello = event(skipTo(wire, f -> f.contains("hello")));
      assertThat(hello).as("event name, message, offset").hasSize(3);
      String offset = hello.get(2).getAsString();
      assertThat(offset).isEqualTo(hello.get(1).getAsJsonObject().get("id").getAsString());

      wire.close(); // no close handshake: the connection just drops
      skipTo(other, f -> f.contains("wire has left"));
      say(other, "missed");

      try (RawWebSocket back = open()) {
        JsonObject again = connect(back, "40{\"pid\":\"" + pid + "\",\"offset\":\"" + offset + "\"}");
        assertThat(again.get("sid").getAsString()).isEqualTo(sid);
        assertThat(again.get("pid").getAsString()).isEqualTo(pid);
        // Its own departure's notice was live only, not kept: what it missed is the message.
        JsonArray missed = event(next(back));
        assertThat(missed.get(1).getAsJsonObject().get("message").getAsString()).isEqualTo("missed");
        assertThat(missed.get(2).getAsString()).isGreaterThan(offset);
        say(other, "live");
        JsonArray live = event(next(back));
        assertThat(live.get(1).getAsJsonObject().get("message").getAsString())
            .as("no join acknowledgement, nothing twice: live traffic comes next").isEqualTo("live");

        // The private id is the client's secret: a connection that presents it continues the session,
        // even while the socket that had it is still connected (its client went away unnoticed).
        try (RawWebSocket returning = open()) {
          JsonObject continued = connect(returning, "40{\"pid\":\"" + pid + "\",\"offset\":\"" + live.get(2).getAsString() + "\"}");
          assertThat(continued.get("sid").getAsString()).as("one session, one socket: the newest").isEqualTo(sid);
          skipTo(back, f -> f.startsWith("41")); // the socket it superseded is disconnected
          say(other, "after the takeover");
          assertThat(event(skipTo(returning, f -> f.contains("after the takeover"))).get(1).getAsJsonObject()
              .get("message").getAsString()).isEqualTo("after the takeover");
        }
      }
    }
  }

  /**
   * A private `read` needs a conversation the connection was handed; the connection that continues a
   * dropped one takes on its conversations, so its client can mark read what it showed before.
   */
  @Test
  void aRecoveredClientMarksReadThePrivateMessagesItWasHandedBeforeTheDrop() throws Exception {
    try (RawWebSocket other = open()) {
      RawWebSocket wire = open();
      JsonObject first = bothInTheRoom(other, wire);
      String offset = heard(other, wire, "hello");
      other.sendText("422[\"new pm\",{\"target\":\"wire\",\"message\":\"psst\"}]");
      String pm = event(skipTo(wire, f -> f.contains("psst"))).get(1).getAsJsonObject().get("id").getAsString();
      drop(other, wire);

      try (RawWebSocket back = open()) {
        JsonObject again = connect(back,
            "40{\"pid\":\"" + first.get("pid").getAsString() + "\",\"offset\":\"" + offset + "\"}");
        assertThat(again.get("sid").getAsString()).as("recovered").isEqualTo(first.get("sid").getAsString());
        back.sendText("423[\"read\",{\"from\":\"other\",\"through\":\"" + pm + "\"}]");
        back.sendText("424[\"new message\",\"after reading\"]");
        List<String> frames = new ArrayList<>();
        skipTo(back, f -> {
          frames.add(f);
          return f.startsWith("434");
        });
        assertThat(frames).as("no refusal of the read").noneMatch(f -> f.startsWith("433"));
        assertThat(skipTo(other, f -> f.contains("\"read\"") && f.contains(pm)))
            .as("the sender's read receipt").contains("\"username\":\"wire\"");
      }
    }
  }

  /**
   * Its own messages are never echoed to a client, so a recovery leaves them out, even those older
   * than messages the server sent it before the drop: what was sent is not what was received, and
   * the offset tells only the latter.
   */
  @Test
  void aRecoveryLeavesOutTheClientsOwnMessages() throws Exception {
    try (RawWebSocket other = open()) {
      RawWebSocket wire = open();
      JsonObject first = bothInTheRoom(other, wire);
      String offset = heard(other, wire, "hello");
      say(wire, "mine");
      say(other, "after");
      skipTo(wire, f -> f.contains("after")); // sent, but the offset stays before it: as if the drop lost it
      drop(other, wire);

      try (RawWebSocket back = open()) {
        JsonObject again = connect(back,
            "40{\"pid\":\"" + first.get("pid").getAsString() + "\",\"offset\":\"" + offset + "\"}");
        assertThat(again.get("sid").getAsString()).as("recovered").isEqualTo(first.get("sid").getAsString());
        say(other, "live");
        List<String> got = new ArrayList<>();
        while (got.isEmpty() || !got.get(got.size() - 1).equals("live")) {
          got.add(event(next(back)).get(1).getAsJsonObject().get("message").getAsString());
        }
        assertThat(got).as("everything kept after the offset but its own message, then live traffic")
            .containsExactly("after", "live");
      }
    }
  }

  /**
   * A connect middleware that refuses a recovering client does not cost it its state: the state is
   * kept again, so that a retry within the recovery window still recovers, with what it missed.
   */
  // Repeated: the refused attempt's recovery joins race the middleware, and about one run in ten
  // found the user's name still held by the refused attempt's connection before the fix.
  @org.junit.jupiter.api.RepeatedTest(30)
  void aRecoveringClientRefusedByAMiddlewareStillRecoversOnItsRetry() throws Exception {
    try (RawWebSocket other = open()) {
      RawWebSocket wire = open();
      JsonObject first = bothInTheRoom(other, wire);
      String offset = heard(other, wire, "hello");
      drop(other, wire);
      say(other, "missed");

      try (RawWebSocket back = open()) {
        String session = "\"pid\":\"" + first.get("pid").getAsString() + "\",\"offset\":\"" + offset + "\"";
        back.sendText("40{" + session + ",\"refuse\":true}");
        assertThat(next(back)).isEqualTo("44{\"message\":\"Come back later\"}");
        JsonObject again = connect(back, "40{" + session + "}");
        assertThat(again.get("sid").getAsString()).as("recovered on the retry").isEqualTo(first.get("sid").getAsString());
        JsonArray missed = event(next(back));
        assertThat(missed.get(1).getAsJsonObject().get("message").getAsString()).isEqualTo("missed");
      }
    }
  }

  @Test
  void anOffsetThatIsNoMessageIdDoesNotRecover() throws Exception {
    assertDoesNotRecoverWithOffset("not-an-id");
  }

  @Test
  void anOffsetFromTheFutureDoesNotRecover() throws Exception {
    // A well-formed id that no message has yet: the first digit below 8 keeps it a valid id.
    assertDoesNotRecoverWithOffset("7ZZZZZZZZZZZZ");
  }

  /** A socket in a room drops and reconnects with its pid and this offset: it gets a new session. */
  private void assertDoesNotRecoverWithOffset(String offset) throws Exception {
    try (RawWebSocket other = open()) {
      RawWebSocket wire = open();
      JsonObject first = bothInTheRoom(other, wire);
      wire.close();
      skipTo(other, f -> f.contains("wire has left"));
      try (RawWebSocket back = open()) {
        JsonObject again = connect(back, "40{\"pid\":\"" + first.get("pid").getAsString() + "\",\"offset\":\"" + offset + "\"}");
        assertThat(again.get("sid").getAsString()).as("not recovered").isNotEqualTo(first.get("sid").getAsString());
      }
    }
  }

  /**
   * A socket in no room has nothing to recover: {@code recovered: true} would tell its client not to
   * join, though it may never have (its join was in flight, or failed as when Redis lost its data).
   */
  @Test
  void aSocketInNoRoomDoesNotRecover_soItsClientJoins() throws Exception {
    RawWebSocket wire = open();
    JsonObject first = connect(wire, "40");
    wire.close(); // dropped before it joined anything
    try (RawWebSocket back = open()) {
      JsonObject again = connect(back, "40{\"pid\":\"" + first.get("pid").getAsString() + "\"}");
      assertThat(again.get("sid").getAsString()).as("not recovered: a new socket").isNotEqualTo(first.get("sid").getAsString());
      join(back, "wire"); // and it joins as any new socket does
    }
  }

  @Test
  void namespacesOfTheApplicationOfferNoRecovery() throws Exception {
    try (RawWebSocket ws = open()) {
      ws.sendText("40/custom,");
      String reply = skipTo(ws, f -> f.startsWith("40/custom,"));
      JsonObject connected = JsonParser.parseString(reply.substring("40/custom,".length())).getAsJsonObject();
      assertThat(connected.keySet()).containsExactly("sid");
    }
  }

  /** Connects both, {@code other} joins as "other" and {@code wire} as "wire"; returns wire's CONNECT reply. */
  private static JsonObject bothInTheRoom(RawWebSocket other, RawWebSocket wire) throws IOException {
    connect(other, "40");
    join(other, "other");
    JsonObject connected = connect(wire, "40");
    join(wire, "wire");
    skipTo(other, f -> f.contains("wire has joined"));
    return connected;
  }

  private RawWebSocket open() throws IOException {
    RawWebSocket ws = RawWebSocket.connect(server.port(), "/socket.io/?EIO=4&transport=websocket", null, 0);
    assertThat(next(ws)).startsWith("0{");
    return ws;
  }

  private static JsonObject connect(RawWebSocket ws, String packet) throws IOException {
    ws.sendText(packet);
    String reply = next(ws);
    assertThat(reply).startsWith("40{");
    return JsonParser.parseString(reply.substring(2)).getAsJsonObject();
  }

  private static void join(RawWebSocket ws, String user) throws IOException {
    ws.sendText("420[\"join room\",{\"roomname\":\"wire\",\"username\":\"" + user + "\"}]");
    skipTo(ws, f -> f.startsWith("430"));
  }

  /** {@code other} says {@code text}; returns its offset as {@code wire} received it. */
  private static String heard(RawWebSocket other, RawWebSocket wire, String text) throws IOException {
    say(other, text);
    return event(skipTo(wire, f -> f.contains(text))).get(2).getAsString();
  }

  /** The connection of {@code wire} just drops, with no close handshake; {@code other} sees it leave. */
  private static void drop(RawWebSocket other, RawWebSocket wire) throws IOException {
    wire.close();
    skipTo(other, f -> f.contains("wire has left"));
  }

  /** Sends a room message and waits for its acknowledgement, so the server has it. */
  private static void say(RawWebSocket ws, String text) throws IOException {
    ws.sendText("421[\"new message\",\"" + text + "\"]");
    skipTo(ws, f -> f.startsWith("431"));
  }

  private static JsonArray event(String frame) {
    assertThat(frame).startsWith("42[");
    return JsonParser.parseString(frame.substring(2)).getAsJsonArray();
  }

  private static String next(RawWebSocket ws) throws IOException {
    return skipTo(ws, f -> true);
  }

  private static String skipTo(RawWebSocket ws, Predicate<String> wanted) throws IOException {
    for (;;) {
      RawWebSocket.Frame f = ws.read();
      if (f.opcode() == RawWebSocket.TEXT && wanted.test(f.text())) {
        return f.text();
      }
    }
  }
}
