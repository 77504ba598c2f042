package dev.parley.chat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal JSON-over-WebSocket client of the example's {@code /chat} endpoint, on the JDK's client:
 * frames as strings, in order. Connecting consumes the welcome.
 */
final class JsonClient implements WebSocket.Listener, AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
  private final StringBuilder partial = new StringBuilder();
  private final WebSocket ws;

  JsonClient(int port) throws Exception {
    ws = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/chat"), this)
        .get(10, TimeUnit.SECONDS);
    assertThat(next()).contains("\"type\":\"welcome\"");
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
