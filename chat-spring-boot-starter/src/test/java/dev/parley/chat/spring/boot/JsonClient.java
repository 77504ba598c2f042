package dev.parley.chat.spring.boot;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.parley.chat.testkit.JsonWebSocketClient;
import java.net.URI;

/** A client of Parley's JSON protocol (the test kit's), reading frames by type. */
final class JsonClient implements AutoCloseable {
  private final JsonWebSocketClient ws;

  JsonClient(int port) {
    this.ws = JsonWebSocketClient.connect(URI.create("ws://127.0.0.1:" + port + "/chat"));
  }

  void send(String json) {
    ws.send(json);
  }

  /** The next frame of this type, passing over others. */
  JsonObject next(String type) {
    return parse(ws.await(frame -> parse(frame).get("type").getAsString().equals(type)));
  }

  /** The text of the next chat message (room, private or notice). */
  String nextText() {
    return next("message").getAsJsonObject("message").get("text").getAsString();
  }

  /** The close code, once the server closed the connection. */
  int awaitClose() {
    return ws.awaitClose();
  }

  @Override
  public void close() {
    ws.close();
  }

  private static JsonObject parse(String frame) {
    return JsonParser.parseString(frame).getAsJsonObject();
  }
}
