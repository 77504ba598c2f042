package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.parley.chat.testkit.JsonWebSocketClient;
import java.net.URI;
import java.time.Duration;

/**
 * The test kit's {@link JsonWebSocketClient} with what these tests add: frames parsed as JSON
 * objects, and ways to prove that nothing is pending.
 */
final class WsClient implements AutoCloseable {
  static final Duration TIMEOUT = JsonWebSocketClient.DEFAULT_TIMEOUT;

  private final JsonWebSocketClient ws;
  private int syncCounter;

  private WsClient(URI uri) {
    this.ws = JsonWebSocketClient.connect(uri, TIMEOUT);
  }

  static WsClient connect(int port) {
    return connect(URI.create("ws://127.0.0.1:" + port + "/chat"));
  }

  static WsClient connect(URI uri) {
    return new WsClient(uri);
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
    ws.send(json);
    return this;
  }

  void sendBinary(byte[] bytes) {
    ws.sendBinary(bytes);
  }

  /** The next frame, whatever it is. */
  JsonObject next() {
    return JsonParser.parseString(ws.next()).getAsJsonObject();
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
    return ws.awaitClose();
  }

  String closeReason() {
    return ws.closeReason();
  }

  boolean isOpen() {
    return ws.isOpen();
  }

  /** How many pings the server sent. */
  int pings() {
    return ws.pings();
  }

  /** Drops the TCP connection with no close handshake, as a network failure would. */
  void abort() {
    ws.abort();
  }

  @Override
  public void close() {
    ws.close();
  }
}
