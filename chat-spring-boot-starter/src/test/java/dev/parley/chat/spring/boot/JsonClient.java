package dev.parley.chat.spring.boot;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.parley.chat.testkit.JsonWebSocketClient;
import java.net.URI;

/** The test kit's {@link JsonWebSocketClient} on the application's {@code /chat}, frames parsed as JSON objects. */
final class JsonClient implements AutoCloseable {
  private final JsonWebSocketClient ws;

  JsonClient(int port) {
    this.ws = JsonWebSocketClient.connect(URI.create("ws://127.0.0.1:" + port + "/chat"));
  }

  void send(String json) {
    ws.send(json);
  }

  /** The next frame of this type, skipping others. */
  JsonObject next(String type) {
    String frame = ws.await(f -> JsonParser.parseString(f).getAsJsonObject().get("type").getAsString().equals(type));
    return JsonParser.parseString(frame).getAsJsonObject();
  }

  /** The text of the next chat message (room, private or notice). */
  String nextText() {
    return next("message").getAsJsonObject("message").get("text").getAsString();
  }

  /** The close code the server sent, waiting up to the client's timeout; 1006 if the connection ended without one. */
  int awaitClose() {
    return ws.awaitClose();
  }

  @Override
  public void close() {
    ws.abort();
  }
}
