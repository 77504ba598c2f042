package dev.parley.chat.examples;

import dev.parley.chat.netty.NodeProject;
import dev.parley.chat.history.InMemoryHistoryStore;
import dev.parley.chat.history.Retention;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Starts each seed example in this JVM on a free port and drives it with the official
 * socket.io-client, over WebSocket and over long-polling, with the tests in src/test/js (run by
 * Node's test runner; the packages are installed into target/ from the lock file).
 */
class SeedExamplesIT {
  private static Path js;

  @BeforeAll
  static void installClient() throws Exception {
    js = NodeProject.install("src/test/js", "target/examples-js", "socket.io-client");
  }

  @Test
  void chatroom() throws Exception {
    runAgainst(ChatroomExample::start, "chatroom.test.mjs", "CHATROOM_URL");
  }

  @Test
  void rooms() throws Exception {
    runAgainst(RoomsExample::start, "rooms.test.mjs", "ROOMS_URL");
  }

  @Test
  void broadcast() throws Exception {
    runAgainst(BroadcastExample::start, "broadcast.test.mjs", "BROADCAST_URL");
  }

  @Test
  void direct() throws Exception {
    runAgainst(listen -> DirectMessagesExample.start(listen, new InMemoryHistoryStore(Retention.messages(1000))),
        "direct.test.mjs", "DIRECT_URL");
  }

  @Test
  void session() throws Exception {
    runAgainst(SessionExample::start, "session.test.mjs", "SESSION_URL");
  }

  static void runAgainst(Function<Listen, Running> example, String testFile, String urlVariable) throws Exception {
    Running running = example.apply(Listen.port(0));
    try {
      NodeProject.runTests(js, testFile, Map.of(urlVariable, "http://127.0.0.1:" + running.port()));
    } finally {
      running.stop();
    }
  }
}
