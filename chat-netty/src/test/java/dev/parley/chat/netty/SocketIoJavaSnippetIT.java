package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.util.Map;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/**
 * The Java client snippet of docs/socket-io.md ("From Java"), line for line but for the server's
 * address: it compiles against {@code io.socket:socket.io-client} 2.x (whose {@code JSONObject.put}
 * throws the checked {@code JSONException}, which the snippet avoids), and it joins the room.
 */
class SocketIoJavaSnippetIT {

  @Test
  void theDocumentedJavaClientJoinsARoom() throws Exception {
    try (TestServer server = TestServer.start()) {
      Socket socket = IO.socket(URI.create("http://127.0.0.1:" + server.port()));
      socket.on("new message", args -> System.out.println(args[0]));
      socket.connect();
      socket.emit("join room", new JSONObject(Map.of("roomname", "lobby", "username", "alice")));
      try {
        long deadline = System.nanoTime() + WsClient.TIMEOUT.toNanos();
        while (!server.chat.members("lobby").contains("alice") && System.nanoTime() - deadline < 0) {
          Thread.sleep(20); // polls a condition, with a deadline
        }
        assertThat(server.chat.members("lobby")).containsExactly("alice");
      } finally {
        socket.close();
      }
    }
  }
}
