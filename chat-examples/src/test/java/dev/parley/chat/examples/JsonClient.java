package dev.parley.chat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal JSON-over-WebSocket client of the example's {@code /chat} endpoint, on the JDK's client:
 * frames as strings, in order. Connecting consumes the welcome. Frames are read by one test thread;
 * they arrive on the JDK client's thread.
 */
final class JsonClient implements WebSocket.Listener, AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
  private final StringBuilder partial = new StringBuilder();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final WebSocket ws;
  private final String welcome;

  JsonClient(int port) throws Exception {
    this(port, "");
  }

  /** Connects with a query string ({@code "?user=bob"}, or empty). */
  JsonClient(int port, String query) throws Exception {
    ws = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/chat" + query), this)
        .get(10, TimeUnit.SECONDS);
    welcome = next();
    assertThat(welcome).contains("\"type\":\"welcome\"");
  }

  /** The welcome frame. */
  String welcome() {
    return welcome;
  }

  void send(String json) throws Exception {
    ws.sendText(json, true).get(10, TimeUnit.SECONDS);
  }

  /** The next frame, waiting up to 10 seconds. */
  String next() throws InterruptedException {
    String f = frames.poll(10, TimeUnit.SECONDS);
    assertThat(f).as("a frame within 10 s").isNotNull();
    return f;
  }

  /** The next frame, or {@code null} if none arrives within {@code wait}. */
  String poll(Duration wait) throws InterruptedException {
    return frames.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The next frame containing {@code marker}, passing over others; fails on an error frame. */
  String until(String marker) throws InterruptedException {
    for (;;) {
      String frame = next();
      assertThat(frame).doesNotContain("\"type\":\"error\"");
      if (frame.contains(marker)) {
        return frame;
      }
    }
  }

  /** The close code the server sent, waiting up to {@code wait}; -1 if the connection ended without one. */
  int awaitClose(Duration wait) throws Exception {
    return closed.get(wait.toNanos(), TimeUnit.NANOSECONDS);
  }

  boolean isClosed() {
    return closed.isDone();
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
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete(-1);
  }

  @Override
  public void close() {
    ws.abort();
  }
}
