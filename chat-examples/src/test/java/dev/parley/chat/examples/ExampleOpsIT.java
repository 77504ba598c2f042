package dev.parley.chat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.store.jdbc.JdbcHistoryStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main example's operations endpoints over real sockets: {@code GET /metrics} counts an open
 * client connection in {@code parley_connections} and drops it once the client closes; {@code GET
 * /health} is 200 UP while everything is, 503 once the history store is closed.
 */
class ExampleOpsIT {
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @TempDir
  Path data;

  private final HttpClient http = HttpClient.newHttpClient();
  private RoomsChatExample.Running example;

  @AfterEach
  void stop() {
    if (example != null) {
      example.stop();
    }
  }

  @Test
  void metricsCountAnOpenConnectionUntilItCloses() throws Exception {
    example = RoomsChatExample.start(0, data);
    awaitMetrics(text -> text.contains("parley_connections{protocol=\"json\"} 0"));

    try (JsonClient alice = new JsonClient(example.server().port())) {
      alice.send("{\"type\":\"join\",\"id\":\"1\",\"room\":\"lobby\",\"username\":\"alice\"}");
      alice.until("\"type\":\"joined\"");
      String metrics = awaitMetrics(text -> text.contains("parley_connections{protocol=\"json\"} 1"));
      assertThat(metrics)
          .contains("# TYPE parley_connections gauge")
          .contains("parley_connections{protocol=\"socketio\"} 0")
          .contains("parley_rooms 1")
          .contains("parley_users 1");
    }

    awaitMetrics(text -> text.contains("parley_connections{protocol=\"json\"} 0"));
  }

  @Test
  void healthIsUpWhileTheStoreIsReachableAndDownOnceItIsClosed() throws Exception {
    JdbcHistoryStore store = JdbcHistoryStore.builder().file(data.resolve("history.db")).build();
    example = RoomsChatExample.start(Listen.port(0), store, null, false, Set.of());

    HttpResponse<String> up = get("/health");
    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(up.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(up.body()).startsWith("{\"status\":\"UP\"")
        .contains("\"store\":{\"status\":\"UP\"")
        .contains("\"transport\":{\"status\":\"UP\"");

    store.close();

    HttpResponse<String> down = get("/health");
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.body()).startsWith("{\"status\":\"DOWN\",\"detail\":\"down: store\"")
        .contains("\"store\":{\"status\":\"DOWN\"");
  }

  /** Scrapes until the text matches, for at most the deadline: the server counts a close a moment after the client sees it. */
  private String awaitMetrics(Predicate<String> condition) throws Exception {
    long end = System.nanoTime() + DEADLINE.toNanos();
    String text;
    do {
      HttpResponse<String> response = get("/metrics");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      text = response.body();
      if (condition.test(text)) {
        return text;
      }
      Thread.onSpinWait();
    } while (System.nanoTime() < end);
    throw new AssertionError("no scrape matched within " + DEADLINE + "; the last:\n" + text);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + example.server().port() + path))
        .timeout(DEADLINE).build(), HttpResponse.BodyHandlers.ofString());
  }
}
