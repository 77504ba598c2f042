package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A test client on the JDK's WebSocket: sends JSON, records every frame and the close. */
final class WsClient implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  final AtomicInteger pings = new AtomicInteger();
  private volatile String closeReason;
  private final WebSocket ws;
  private int syncCounter;

  private WsClient(HttpClient http, URI uri) {
    this.ws = http.newWebSocketBuilder().connectTimeout(TIMEOUT).buildAsync(uri, new Listener())
        .orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
  }

  static WsClient connect(int port) {
    return connect(URI.create("ws://127.0.0.1:" + port + "/chat"));
  }

  static WsClient connect(URI uri) {
    return new WsClient(HTTP, uri);
  }

  /** Connects with a client of the test's own (one that trusts a test certificate, say). */
  static WsClient connect(HttpClient http, URI uri) {
    return new WsClient(http, uri);
  }

  /** Connects and consumes the welcome. */
  static WsClient welcomed(int port) {
    WsClient c = connect(port);
    c.next("welcome");
    return c;
  }

  /** Connects, joins and consumes the welcome and the joined reply. */
  static WsClient joined(int port, String room, String user) {
    WsClient c = welcomed(port);
    c.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"username\":\"" + user + "\"}");
    c.next("joined");
    return c;
  }

  WsClient send(String json) {
    ws.sendText(json, true).orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    return this;
  }

  void sendBinary(byte[] bytes) {
    ws.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
  }

  /** The next frame, whatever it is. */
  JsonObject next() {
    try {
      JsonObject f = frames.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (f == null) {
        throw new AssertionError("no frame within " + TIMEOUT + (closeCode.isDone() ? "; closed " + closeCode.join() : ""));
      }
      return f;
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** The next frame, which must be of this type. */
  JsonObject next(String type) {
    JsonObject f = next();
    assertThat(f.get("type").getAsString()).as("type of " + f).isEqualTo(type);
    return f;
  }

  /** Skips frames until one of this type. */
  JsonObject skipTo(String type) {
    for (;;) {
      JsonObject f = next();
      if (f.get("type").getAsString().equals(type)) {
        return f;
      }
    }
  }

  /** The next frame, which must be a message; returns the message object. */
  JsonObject nextMessage() {
    return next("message").getAsJsonObject("message");
  }

  /** The next frame, which must be an error with this code; returns it. */
  JsonObject nextError(String code) {
    JsonObject f = next("error");
    assertThat(f.get("code").getAsString()).as("error " + f).isEqualTo(code);
    return f;
  }

  /**
   * Proves that nothing else is waiting for this client from its own requests: sends a request the
   * server answers with an error and expects that error to be the very next frame.
   */
  void assertNothingPending() {
    String id = "sync-" + (++syncCounter);
    send("{\"type\":\"sync\",\"id\":\"" + id + "\"}");
    JsonObject f = next();
    assertThat(f.get("type").getAsString()).as("expected only the sync reply, got " + f).isEqualTo("error");
    assertThat(f.get("id").getAsString()).isEqualTo(id);
  }

  /**
   * Waits until the server has handled every request this client sent so far, skipping whatever
   * else arrives meanwhile.
   */
  void sync() {
    String id = "sync-" + (++syncCounter);
    send("{\"type\":\"sync\",\"id\":\"" + id + "\"}");
    for (;;) {
      JsonObject f = next();
      if (f.has("id") && f.get("id").getAsString().equals(id)) {
        return;
      }
    }
  }

  int awaitClose() {
    return closeCode.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
  }

  String closeReason() {
    return closeReason;
  }

  boolean isOpen() {
    return !ws.isInputClosed() && !closeCode.isDone();
  }

  /** Drops the TCP connection with no close handshake, as a network failure would. */
  void abort() {
    ws.abort();
  }

  @Override
  public void close() {
    if (!ws.isOutputClosed()) {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    ws.abort();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        JsonElement e = JsonParser.parseString(partial.toString());
        partial.setLength(0);
        frames.add(e.getAsJsonObject());
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
      pings.incrementAndGet();
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closeReason = reason;
      closeCode.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closeCode.complete(1006);
    }
  }
}
