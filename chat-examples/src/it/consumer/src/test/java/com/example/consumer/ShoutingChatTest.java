package com.example.consumer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.testkit.JsonWebSocketClient;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * The application's server over real sockets: two clients of the test kit's JsonWebSocketClient speak
 * Parley's JSON protocol to it, and one receives the other's message as the hook rewrote it.
 */
class ShoutingChatTest {
  private static URI endpoint(ShoutingChat chat) {
    return URI.create("ws://127.0.0.1:" + chat.port() + "/chat");
  }

  @Test
  void aRoomMessageReachesTheOtherClientRewrittenByTheHook() {
    try (ShoutingChat chat = ShoutingChat.start(0);
         JsonWebSocketClient alice = JsonWebSocketClient.connect(endpoint(chat));
         JsonWebSocketClient bob = JsonWebSocketClient.connect(endpoint(chat))) {
      alice.await(frame -> frame.contains("\"type\":\"welcome\""));
      bob.await(frame -> frame.contains("\"type\":\"welcome\""));

      alice.send("{\"type\":\"join\",\"room\":\"lobby\",\"username\":\"alice\"}");
      alice.await(frame -> frame.contains("\"type\":\"joined\""));
      bob.send("{\"type\":\"join\",\"room\":\"lobby\",\"username\":\"bob\"}");
      bob.await(frame -> frame.contains("\"type\":\"joined\""));

      alice.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"hi bob\"}");

      String message = bob.await(frame -> frame.contains("\"type\":\"message\"") && frame.contains("\"sender\":\"alice\""));
      assertTrue(message.contains("\"text\":\"[shout] HI BOB\""), "not rewritten by the hook: " + message);
    }
  }
}
