package com.example.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.testkit.ChatTestKit;
import dev.parley.chat.testkit.TestClient;
import org.junit.jupiter.api.Test;

/** The hook on chat-testkit's in-memory transport, as the README's "Test your hooks" shows. */
class ShoutingHookTest {
  @Test
  void roomMessagesReachTheOthersRewritten() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.onMessage(new ShoutingHook()))) {
      TestClient alice = kit.connect().join("lobby", "alice");
      TestClient bob = kit.connect().join("lobby", "bob");
      alice.take(ServerEvent.Joined.class);
      bob.take(ServerEvent.Joined.class);

      alice.send("lobby", "hello bob");

      ChatMessage received = bob.takeMessage();
      assertEquals("alice", received.sender());
      assertEquals("[shout] HELLO BOB", received.text());
    }
  }
}
