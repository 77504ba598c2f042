package dev.parley.chat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled example as a user meets it: the page at /, greetings, /who, whispers, moderators. */
class RoomsChatExampleIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private RoomsChatExample.Running running;

  @TempDir
  Path data;

  @BeforeEach
  void start() {
    running = RoomsChatExample.start(0, data, Set.of("alice"));
  }

  @AfterEach
  void stop() {
    running.stop();
  }

  private int port() {
    return running.server().port();
  }

  @Test
  void servesTheBrowserClient() throws Exception {
    HttpResponse<String> page = HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("app.js");
    HttpResponse<String> script = HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/app.js")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(script.statusCode()).isEqualTo(200);
  }

  @Test
  void greetsJoinersAnswersWhoAndDeliversWhispers() throws Exception {
    try (JsonClient alice = new JsonClient(port()); JsonClient bob = new JsonClient(port())) {
      alice.send("{\"type\":\"join\",\"room\":\"lobby\",\"username\":\"alice\"}");
      assertThat(alice.next()).contains("\"kind\":\"notice\"").contains("Welcome to lobby, alice");
      assertThat(alice.next()).contains("\"type\":\"joined\"");
      bob.send("{\"type\":\"join\",\"room\":\"lobby\",\"username\":\"bob\"}");
      bob.next(); // greeting
      bob.next(); // joined
      assertThat(alice.next()).contains("\"type\":\"presence\"");
      assertThat(alice.next()).contains("bob has joined");

      bob.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"/who\"}");
      assertThat(bob.next()).contains("In lobby: alice, bob");

      bob.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"@alice hello there\"}");
      String whisper = alice.next();
      assertThat(whisper).contains("\"kind\":\"private\"").contains("\"sender\":\"bob\"").contains("hello there");
    }
  }

  @Test
  void aNameInTheUrlIsNotAnIdentity_unlessTheExampleRunsWithSharedNames() throws Exception {
    try (JsonClient alice = new JsonClient(port(), "?user=alice"); JsonClient mallory = new JsonClient(port(), "?user=alice")) {
      alice.send("{\"type\":\"join\",\"room\":\"lobby\",\"username\":\"alice\"}");
      alice.until("\"type\":\"joined\"");

      mallory.send("{\"type\":\"join\",\"room\":\"lobby\",\"username\":\"alice\"}");
      String answer;
      do {
        answer = mallory.next(); // past the welcome
      } while (!answer.contains("\"type\":\"error\"") && !answer.contains("\"type\":\"joined\""));
      assertThat(answer).contains("USERNAME_TAKEN");
    }
  }

  @Test
  void listsItsModerators() throws Exception {
    HttpResponse<String> list = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/moderators")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(list.body()).isEqualTo("{\"moderators\":[\"alice\"]}");
    assertThat(RoomsChatExample.moderatorsJson(new java.util.LinkedHashSet<>(java.util.List.of("b\"ob", "alice"))))
        .isEqualTo("{\"moderators\":[\"b\\\"ob\",\"alice\"]}");
  }

  @Test
  void onlyTheModeratorsGivenMayKickMuteAndBan() throws Exception {
    try (JsonClient alice = new JsonClient(port()); JsonClient bob = new JsonClient(port())) {
      alice.send("{\"type\":\"join\",\"id\":\"a1\",\"room\":\"lobby\",\"username\":\"alice\"}");
      alice.until("\"type\":\"joined\"");
      bob.send("{\"type\":\"join\",\"id\":\"b1\",\"room\":\"lobby\",\"username\":\"bob\"}");
      bob.until("\"type\":\"joined\"");

      bob.send("{\"type\":\"moderate\",\"id\":\"b2\",\"room\":\"lobby\",\"user\":\"alice\",\"action\":\"kick\"}");
      String refused = bob.next();
      assertThat(refused).contains("\"type\":\"error\"", "\"id\":\"b2\"", "\"code\":\"FORBIDDEN\"",
          "Only moderators may kick, mute or ban on this server");

      alice.send("{\"type\":\"moderate\",\"id\":\"a2\",\"room\":\"lobby\",\"user\":\"bob\",\"action\":\"ban\",\"duration\":3600}");
      assertThat(alice.until("\"type\":\"moderated\"")).contains("\"id\":\"a2\"", "\"action\":\"ban\"");
      assertThat(bob.until("\"type\":\"kicked\"")).contains("\"room\":\"lobby\"", "\"banned\":true");
      bob.send("{\"type\":\"join\",\"id\":\"b3\",\"room\":\"lobby\"}");
      assertThat(bob.next()).contains("\"id\":\"b3\"", "\"code\":\"BANNED\"");
    }
  }
}
