package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.parley.chat.ChatConfig;
import dev.parley.chat.history.InMemoryHistoryStore;
import dev.parley.chat.history.Retention;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Recovery over the JSON protocol with real connections: a client whose TCP connection dropped joins
 * again with the id of the last message it saw, and gets exactly what it missed, or, past the limits,
 * the recent history, from which it pages back with history requests.
 */
class RecoveryIT {
  private static final int MAX_RECOVERED = 10;
  private static final int HISTORY_SIZE = 5;

  private TestServer server;
  private final MutableClock clock = new MutableClock();

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private int start() {
    server = new TestServer(b -> b
        .clock(clock)
        .historyStore(new InMemoryHistoryStore(Retention.messages(1000), clock))
        .config(ChatConfig.builder().historySize(HISTORY_SIZE).maxRecoveredMessages(MAX_RECOVERED).build()),
        n -> {});
    return server.port();
  }

  @Test
  void aDroppedClientRecoversExactlyWhatItMissed_thenLiveTraffic_andPastTheLimitsGetsRecentHistoryToPageBackFrom() {
    int port = start();
    List<String> sent = new ArrayList<>();
    try (WsClient bob = WsClient.joined(port, "lobby", "bob")) {
      WsClient alice = WsClient.joined(port, "lobby", "alice");
      bob.skipTo("presence");
      bob.nextMessage();
      say(bob, "m1", sent);
      say(bob, "m2", sent);
      alice.nextMessage();
      String lastSeen = alice.nextMessage().get("id").getAsString();

      dropAndWaitUntilGone(alice, bob);
      for (int i = 3; i <= 7; i++) {
        say(bob, "m" + i, sent);
      }

      try (WsClient back = WsClient.welcomed(port)) {
        back.send(join(lastSeen, "j1"));
        JsonObject joined = back.next("joined");
        assertThat(joined.get("id").getAsString()).isEqualTo("j1");
        assertThat(joined.get("recovered").getAsBoolean()).isTrue();
        assertThat(texts(joined.getAsJsonArray("history")))
            .as("everything kept after the last id seen, in order, once (the leave it caused was a live notice)")
            .containsExactly("m3", "m4", "m5", "m6", "m7");
        assertIncreasingIds(joined.getAsJsonArray("history"), lastSeen);
        bob.skipTo("presence");
        bob.nextMessage();
        say(bob, "live", sent);
        JsonObject live = back.nextMessage();
        assertThat(live.get("text").getAsString()).as("live traffic follows the recovered history").isEqualTo("live");
        lastSeen = live.get("id").getAsString();

        dropAndWaitUntilGone(back, bob);
      }
      for (int i = 1; i <= MAX_RECOVERED + 2; i++) {
        say(bob, "x" + i, sent);
      }

      try (WsClient late = WsClient.welcomed(port)) {
        late.send(join(lastSeen, "j2"));
        JsonObject joined = late.next("joined");
        assertThat(joined.get("recovered").getAsBoolean()).as("more missed than maxRecoveredMessages").isFalse();
        JsonArray recent = joined.getAsJsonArray("history");
        assertThat(recent).hasSize(HISTORY_SIZE);
        assertThat(texts(recent)).last().isEqualTo("x" + (MAX_RECOVERED + 2));

        List<JsonObject> all = pageBackFrom(late, recent);
        assertIncreasingIds(toArray(all), null);
        assertThat(all.stream().filter(m -> m.get("kind").getAsString().equals("room"))
            .map(m -> m.get("text").getAsString()).toList())
            .as("paging back reaches every message of the room, in order, once")
            .containsExactlyElementsOf(sent);
        assertThat(all).as("presence notices are not kept").allMatch(m -> m.get("kind").getAsString().equals("room"));
        late.assertNothingPending();
      }
    }
  }

  @Test
  void aClientBackAfterTheRecoveryWindowGetsRecentHistory() {
    int port = start();
    List<String> sent = new ArrayList<>();
    try (WsClient bob = WsClient.joined(port, "lobby", "bob")) {
      WsClient alice = WsClient.joined(port, "lobby", "alice");
      bob.skipTo("presence");
      bob.nextMessage();
      say(bob, "before", sent);
      String lastSeen = alice.skipTo("message").getAsJsonObject("message").get("id").getAsString();
      dropAndWaitUntilGone(alice, bob);
      clock.advance(ChatConfig.defaults().recoveryWindow().plusSeconds(1));
      say(bob, "after", sent);

      try (WsClient back = WsClient.welcomed(port)) {
        back.send(join(lastSeen, "j"));
        JsonObject joined = back.next("joined");
        assertThat(joined.get("recovered").getAsBoolean()).isFalse();
        assertThat(texts(joined.getAsJsonArray("history"))).last().isEqualTo("after");
      }
    }
  }

  @Test
  void aSinceThatIsNotAMessageIdIsRefused() {
    int port = start();
    try (WsClient alice = WsClient.welcomed(port)) {
      alice.send(join("not-an-id", "j"));
      assertThat(alice.nextError("BAD_REQUEST").get("id").getAsString()).isEqualTo("j");
    }
  }

  /** Walks the history back from the first message given, a page at a time, to the oldest kept. */
  private static List<JsonObject> pageBackFrom(WsClient client, JsonArray newest) {
    List<JsonObject> all = new ArrayList<>();
    newest.forEach(e -> all.add(e.getAsJsonObject()));
    int limit = 4;
    for (int page = 0; ; page++) {
      assertThat(page).as("pages").isLessThan(50);
      String before = all.get(0).get("id").getAsString();
      client.send("{\"type\":\"history\",\"id\":\"h" + page + "\",\"room\":\"lobby\",\"before\":\"" + before
          + "\",\"limit\":" + limit + "}");
      JsonObject reply = client.next("history");
      assertThat(reply.get("id").getAsString()).isEqualTo("h" + page);
      JsonArray messages = reply.getAsJsonArray("messages");
      List<JsonObject> older = new ArrayList<>();
      messages.forEach(e -> older.add(e.getAsJsonObject()));
      all.addAll(0, older);
      if (older.size() < limit) {
        return all;
      }
    }
  }

  private static void say(WsClient client, String text, List<String> sent) {
    client.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"" + text + "\",\"id\":\"" + text + "\"}");
    assertThat(client.next("ack").get("id").getAsString()).isEqualTo(text);
    sent.add(text);
  }

  private static String join(String since, String id) {
    return "{\"type\":\"join\",\"room\":\"lobby\",\"username\":\"alice\",\"since\":\"" + since + "\",\"id\":\"" + id + "\"}";
  }

  /** Drops the TCP connection; returns once the server let the user go, as another member sees. */
  private static void dropAndWaitUntilGone(WsClient client, WsClient witness) {
    client.abort();
    JsonObject presence = witness.skipTo("presence");
    assertThat(presence.get("state").getAsString()).isEqualTo("left");
    assertThat(witness.nextMessage().get("text").getAsString()).isEqualTo("alice has left");
  }

  private static List<String> texts(JsonArray messages) {
    List<String> texts = new ArrayList<>();
    messages.forEach(e -> texts.add(e.getAsJsonObject().get("text").getAsString()));
    return texts;
  }

  private static JsonArray toArray(List<JsonObject> messages) {
    JsonArray array = new JsonArray();
    messages.forEach(array::add);
    return array;
  }

  private static void assertIncreasingIds(JsonArray messages, String after) {
    String previous = after;
    for (JsonElement e : messages) {
      String id = e.getAsJsonObject().get("id").getAsString();
      if (previous != null) {
        assertThat(id).as("ids in order, no duplicates").isGreaterThan(previous);
      }
      previous = id;
    }
  }

  /** A clock the test moves forward, so that the recovery window can pass without waiting. */
  private static final class MutableClock extends Clock {
    private volatile Instant offset = Instant.EPOCH;

    void advance(Duration by) {
      offset = offset.plus(by);
    }

    @Override
    public Instant instant() {
      return Instant.now().plusMillis(offset.toEpochMilli());
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
