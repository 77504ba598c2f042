package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.parley.chat.ChatServer;
import dev.parley.chat.ErrorCodes;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Numbers that JSON allows but a double or a JavaScript client cannot hold (docs/protocol.md,
 * "Numbers"): refused with BAD_REQUEST naming the field, on both protocols; numbers in range reach
 * other clients with the value they were sent with.
 */
class NumbersIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String FOUR_HUNDRED_DIGITS = "9".repeat(400);

  private ChatServer chat;
  private NettyChatServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop().toCompletableFuture().join();
      chat.close();
    }
  }

  /** The chat on both protocols, and a namespace of the application's own that echoes what it gets. */
  private void start() {
    chat = ChatServer.builder().build();
    server = NettyChatServer.builder(NettyConfig.builder().host("127.0.0.1").port(0).build())
        .chat(chat)
        .onSocketIo(io -> io.of("/echo").on("echo", (client, args, ack) -> ack.send(args.toArray())))
        .build().start().toCompletableFuture().join();
  }

  // ------------------------------------------------------------------ JSON protocol

  @Test
  void json_numbersOutOfRangeGetBadRequestNamingTheField_andTheConnectionStays() {
    start();
    try (WsClient alice = WsClient.joined(server.port(), "lobby", "alice")) {
      List<List<String>> cases = List.of(
          List.of("{\"n\":1e999999}", "data.n"),
          List.of("{\"n\":" + FOUR_HUNDRED_DIGITS + "}", "data.n"),
          List.of("{\"n\":-" + FOUR_HUNDRED_DIGITS + ".5}", "data.n"),
          List.of("{\"items\":[0,1,2,{\"n\":9007199254740992}]}", "data.items[3].n"),
          List.of("{\"a\":{\"b c\":[1e-400]}}", "data.a[\"b c\"][0]"));
      for (int i = 0; i < cases.size(); i++) {
        alice.send("{\"type\":\"message\",\"id\":\"n" + i + "\",\"room\":\"lobby\",\"text\":\"x\",\"data\":"
            + cases.get(i).get(0) + "}");
        JsonObject error = alice.nextError(ErrorCodes.BAD_REQUEST);
        assertThat(error.get("id").getAsString()).isEqualTo("n" + i);
        assertThat(error.get("message").getAsString()).startsWith("Field '" + cases.get(i).get(1) + "' ");
      }
      alice.send("{\"type\":\"history\",\"id\":\"h\",\"room\":\"lobby\",\"limit\":1e999999}");
      JsonObject error = alice.nextError(ErrorCodes.BAD_REQUEST);
      assertThat(error.get("message").getAsString()).startsWith("Field 'limit' ");

      alice.send("{\"type\":\"message\",\"id\":\"ok\",\"room\":\"lobby\",\"text\":\"still here\"}");
      assertThat(alice.next("ack").get("id").getAsString()).isEqualTo("ok");
    }
  }

  @Test
  void json_numbersInRangeReachOtherClientsWithTheSameValue() {
    start();
    try (WsClient alice = WsClient.joined(server.port(), "lobby", "alice");
         WsClient bob = WsClient.joined(server.port(), "lobby", "bob")) {
      alice.skipTo("presence");
      alice.send("{\"type\":\"message\",\"id\":\"m\",\"room\":\"lobby\",\"text\":\"x\",\"data\":{"
          + "\"max\":9007199254740991,\"min\":-9007199254740991,\"big\":1.5e300,\"tenth\":0.1,"
          + "\"whole\":2.0,\"wide\":1e20,\"tiny\":5e-324,\"zero\":0e-999}}");
      JsonObject data = bob.nextMessage().getAsJsonObject("data");
      assertThat(data.get("max").getAsString()).isEqualTo("9007199254740991");
      assertThat(data.get("min").getAsString()).isEqualTo("-9007199254740991");
      assertThat(Double.parseDouble(data.get("big").getAsString())).isEqualTo(1.5e300);
      assertThat(Double.parseDouble(data.get("tenth").getAsString())).isEqualTo(0.1);
      assertThat(data.get("whole").getAsString()).isEqualTo("2");
      assertThat(new BigDecimal(data.get("wide").getAsString())).isEqualByComparingTo("1e20");
      assertThat(Double.parseDouble(data.get("tiny").getAsString())).isEqualTo(Double.MIN_VALUE);
      assertThat(data.get("zero").getAsString()).isEqualTo("0");
    }
  }

  // ------------------------------------------------------------------ Socket.IO

  private String base() {
    return "http://127.0.0.1:" + server.port() + "/socket.io/";
  }

  private String post(String query, String body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base() + query))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("POST " + body).isEqualTo(200);
    return r.body();
  }

  private HttpResponse<String> get(String query) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base() + query)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A polling session connected to {@code namespace} ("" for the main one); returns its query. */
  private String connected(String namespace) throws Exception {
    HttpResponse<String> open = get("?EIO=4&transport=polling");
    String sid = JsonParser.parseString(open.body().substring(1)).getAsJsonObject().get("sid").getAsString();
    String q = "?EIO=4&transport=polling&sid=" + sid;
    post(q, "40" + namespace + (namespace.isEmpty() ? "" : ","));
    assertThat(get(q).body()).startsWith("40" + namespace);
    return q;
  }

  /** The first argument of the acknowledgement that starts with {@code prefix}, from the next poll. */
  private JsonObject ack(String q, String prefix) throws Exception {
    String body = get(q).body();
    String packet = Arrays.stream(body.split("\u001e")).filter(p -> p.startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + prefix + " in " + body));
    JsonArray args = JsonParser.parseString(packet.substring(prefix.length())).getAsJsonArray();
    return args.get(0).getAsJsonObject();
  }

  @Test
  void socketIo_chatEventsWithNumbersOutOfRangeGetBadRequestNamingTheField() throws Exception {
    start();
    String q = connected("");
    post(q, "421[\"join room\",{\"roomname\":\"lobby\",\"username\":\"al\",\"x\":[0,{\"n\":9007199254740992}]}]");
    JsonObject refused = ack(q, "431");
    assertThat(refused.get("error").getAsBoolean()).isTrue();
    assertThat(refused.get("code").getAsString()).isEqualTo(ErrorCodes.BAD_REQUEST);
    assertThat(refused.get("msg").getAsString()).startsWith("Field 'args[0].x[1].n' ");

    post(q, "422[\"history\",{\"room\":\"lobby\",\"limit\":1e999999}]");
    assertThat(ack(q, "432").get("msg").getAsString()).startsWith("Field 'args[0].limit' ");
    post(q, "423[\"new message\",{\"room\":\"lobby\",\"message\":\"hi\",\"n\":" + FOUR_HUNDRED_DIGITS + "}]");
    assertThat(ack(q, "433").get("code").getAsString()).isEqualTo(ErrorCodes.BAD_REQUEST);

    post(q, "424[\"join room\",{\"roomname\":\"lobby\",\"username\":\"al\"}]");
    assertThat(ack(q, "434").get("room").getAsString()).as("the session stays").isEqualTo("lobby");
  }

  @Test
  void socketIo_ownNamespaces_carryNumbersInRange_andCloseOnOutOfRangeLikeAnyMalformedPacket() throws Exception {
    start();
    try (LogCapture log = new LogCapture()) {
      String q = connected("/echo");
      post(q, "42/echo,5[\"echo\",{\"max\":9007199254740991,\"tenth\":0.1,\"whole\":2.0}]");
      JsonObject echoed = ack(q, "43/echo,5");
      assertThat(echoed.get("max").getAsString()).isEqualTo("9007199254740991");
      assertThat(Double.parseDouble(echoed.get("tenth").getAsString())).isEqualTo(0.1);
      assertThat(echoed.get("whole").getAsString()).isEqualTo("2");

      post(q, "42/echo,6[\"echo\",{\"n\":1e999999}]");
      HttpResponse<String> after = get(q);
      assertThat(after.body()).as("the session is closed: a close packet, or it is gone already")
          .satisfiesAnyOf(b -> assertThat(b).isEqualTo("1"), b -> assertThat(after.statusCode()).isEqualTo(400));
      String binary = connected("/echo");
      post(binary, "451-/echo,7[\"echo\",{\"_placeholder\":true,\"num\":1e999999}]\u001ebAQID");
      HttpResponse<String> closed = get(binary);
      assertThat(closed.body()).satisfiesAnyOf(b -> assertThat(b).isEqualTo("1"),
          b -> assertThat(closed.statusCode()).isEqualTo(400));
      assertThat(log.lines()).noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR "));
    }
  }
}
