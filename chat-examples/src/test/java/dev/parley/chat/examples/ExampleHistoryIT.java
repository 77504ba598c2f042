package dev.parley.chat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example jar as a user runs it: it says where its history lives, and a message sent before a
 * restart (Ctrl+C, then start it again) is in the history a joiner gets afterwards.
 */
class ExampleHistoryIT {
  @TempDir
  Path data;

  private final List<ExampleProcess> examples = new ArrayList<>();

  @AfterEach
  void stopAll() throws Exception {
    for (ExampleProcess example : examples) {
      example.close();
    }
  }

  @Test
  void historySurvivesARestart() throws Exception {
    ExampleProcess first = start();
    assertThat(first.output()).anyMatch(line ->
        line.equals("History is kept in " + data.resolve("history.db").toAbsolutePath()));
    try (JsonClient alice = new JsonClient(first.port())) {
      alice.send("{\"type\":\"join\",\"id\":\"1\",\"room\":\"lobby\",\"username\":\"alice\"}");
      alice.until("\"type\":\"joined\"");
      alice.send("{\"type\":\"message\",\"id\":\"2\",\"room\":\"lobby\",\"text\":\"remember me\"}");
      alice.until("\"type\":\"ack\"");
    }
    first.stop(); // SIGTERM, as Ctrl+C: the shutdown hook closes the store
    assertThat(data.resolve("history.db")).exists();

    ExampleProcess second = start();
    try (JsonClient bob = new JsonClient(second.port())) {
      bob.send("{\"type\":\"join\",\"id\":\"1\",\"room\":\"lobby\",\"username\":\"bob\"}");
      String joined = bob.until("\"type\":\"joined\"");

      // The shutdown took alice out of the lobby; presence notices are live only, so none was kept.
      assertThat(joined).contains("remember me").doesNotContain("has joined").doesNotContain("has left");
    }
  }

  private ExampleProcess start() throws Exception {
    ExampleProcess example = ExampleProcess.start("example", "--data-dir", data.toString());
    examples.add(example);
    return example;
  }
}
