package dev.parley.chat.examples;

import dev.parley.chat.history.InMemoryHistoryStore;
import dev.parley.chat.history.Retention;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
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
    runAgainst(port -> DirectMessagesExample.start(port, new InMemoryHistoryStore(Retention.messages(1000))),
        "direct.test.mjs", "DIRECT_URL");
  }

  @Test
  void session() throws Exception {
    runAgainst(SessionExample::start, "session.test.mjs", "SESSION_URL");
  }

  static void runAgainst(IntFunction<Running> example, String testFile, String urlVariable) throws Exception {
    Running running = example.apply(0);
    try {
      ProcessBuilder run = new ProcessBuilder("node", "--test", "--test-reporter=spec", testFile)
          .directory(js.toFile())
          .redirectErrorStream(true);
      run.environment().put(urlVariable, "http://127.0.0.1:" + running.port());
      Process node = run.start();
      node.getOutputStream().close();
      String output;
      try (var in = node.getInputStream()) {
        output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      boolean done = node.waitFor(5, TimeUnit.MINUTES);
      System.out.println(output);
      assertThat(done).as("node finished").isTrue();
      assertThat(node.exitValue()).as("node --test exit code; output above").isZero();
      assertThat(output).as("tests ran and none failed").containsPattern("ℹ pass [1-9]\\d*").contains("ℹ fail 0");
    } finally {
      running.stop();
    }
  }
}
