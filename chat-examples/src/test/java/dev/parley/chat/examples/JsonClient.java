package dev.parley.chat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.testkit.JsonWebSocketClient;
import java.net.URI;
import java.time.Duration;

/**
 * The example's {@code /chat} endpoint as its tests use it: the test kit's {@link
 * JsonWebSocketClient}, with the welcome consumed on connecting and {@link #until} failing on an
 * error frame. Frames are read by one test thread.
 */
final class JsonClient implements AutoCloseable {
  private final JsonWebSocketClient client;
  private final String welcome;

  JsonClient(int port) {
    this(port, "");
  }

  /** Connects with a query string ({@code "?user=bob"}, or empty). */
  JsonClient(int port, String query) {
    client = JsonWebSocketClient.connect(URI.create("ws://127.0.0.1:" + port + "/chat" + query));
    welcome = client.next();
    assertThat(welcome).contains("\"type\":\"welcome\"");
  }

  /** The welcome frame. */
  String welcome() {
    return welcome;
  }

  void send(String json) {
    client.send(json);
  }

  /** The next frame, waiting up to the client's timeout. */
  String next() {
    return client.next();
  }

  /** The next frame, or {@code null} if none arrives within {@code wait}. */
  String poll(Duration wait) {
    return client.poll(wait);
  }

  /** The next frame containing {@code marker}, passing over others; fails on an error frame. */
  String until(String marker) {
    return client.await(frame -> {
      assertThat(frame).doesNotContain("\"type\":\"error\"");
      return frame.contains(marker);
    });
  }

  /** The close code the server sent, waiting up to {@code wait}; 1006 if the connection ended without one. */
  int awaitClose(Duration wait) {
    return client.awaitClose(wait);
  }

  boolean isClosed() {
    return !client.isOpen();
  }

  @Override
  public void close() {
    client.abort();
  }
}
