package dev.parley.chat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bundled example as a user meets it: the page at /, greetings, /who, whispers. */
class RoomsChatExampleIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private RoomsChatExample.Running running;

  @BeforeEach
  void start() {
    running = RoomsChatExample.start(0);
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
    try (Client alice = new Client(port()); Client bob = new Client(port())) {
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

  /** A minimal JSON-over-WebSocket client: frames as strings, in order. */
  private static final class Client implements WebSocket.Listener, AutoCloseable {
    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket ws;

    Client(int port) throws Exception {
      ws = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/chat"), this)
          .get(10, TimeUnit.SECONDS);
      assertThat(next()).contains("\"type\":\"welcome\"");
    }

    void send(String json) throws Exception {
      ws.sendText(json, true).get(10, TimeUnit.SECONDS);
    }

    String next() throws InterruptedException {
      String f = frames.poll(10, TimeUnit.SECONDS);
      assertThat(f).as("a frame within 10 s").isNotNull();
      return f;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        frames.add(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public void close() {
      ws.abort();
    }
  }
}
