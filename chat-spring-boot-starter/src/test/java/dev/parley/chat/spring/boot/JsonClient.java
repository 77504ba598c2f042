package dev.parley.chat.spring.boot;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A client of Parley's JSON protocol on the JDK's WebSocket: sends frames, records those it gets and the close. */
final class JsonClient implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private final WebSocket ws;

  JsonClient(int port) {
    this.ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(TIMEOUT)
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/chat"), new Listener())
        .orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
  }

  void send(String json) {
    ws.sendText(json, true).orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
  }

  /** The next frame of this type, skipping others. */
  JsonObject next(String type) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      JsonObject frame = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (frame == null) {
        throw new AssertionError("no " + type + " frame within " + TIMEOUT);
      }
      if (frame.get("type").getAsString().equals(type)) {
        return frame;
      }
    }
  }

  /** The text of the next chat message (room, private or notice). */
  String nextText() throws InterruptedException {
    return next("message").getAsJsonObject("message").get("text").getAsString();
  }

  @Override
  public void close() {
    ws.abort();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        frames.add(JsonParser.parseString(text.toString()).getAsJsonObject());
        text.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closeCode.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closeCode.completeExceptionally(error);
    }
  }
}
