package dev.parley.chat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example jar as a user runs it: it says where its history lives, and a message sent before a
 * restart (Ctrl+C, then start it again) is in the history a joiner gets afterwards.
 */
class ExampleHistoryIT {
  private static final Path JAR = Path.of("target/chat-examples.jar");
  private static final Pattern RUNNING = Pattern.compile("open http://localhost:(\\d+)/");

  @TempDir
  Path data;

  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stopAll() throws Exception {
    for (Process p : processes) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void historySurvivesARestart() throws Exception {
    Example first = start();
    assertThat(first.output).anyMatch(line ->
        line.equals("History is kept in " + data.resolve("history.db").toAbsolutePath()));
    try (JsonClient alice = new JsonClient(first.port)) {
      alice.send("{\"type\":\"join\",\"id\":\"1\",\"room\":\"lobby\",\"username\":\"alice\"}");
      alice.until("\"type\":\"joined\"");
      alice.send("{\"type\":\"message\",\"id\":\"2\",\"room\":\"lobby\",\"text\":\"remember me\"}");
      alice.until("\"type\":\"ack\"");
    }
    first.process.destroy(); // SIGTERM, as Ctrl+C: the shutdown hook closes the store
    assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).as("the example stopped").isTrue();
    assertThat(data.resolve("history.db")).exists();

    Example second = start();
    try (JsonClient bob = new JsonClient(second.port)) {
      bob.send("{\"type\":\"join\",\"id\":\"1\",\"room\":\"lobby\",\"username\":\"bob\"}");
      String joined = bob.until("\"type\":\"joined\"");

      assertThat(joined).contains("remember me").contains("alice has joined");
    }
  }

  private record Example(Process process, int port, List<String> output) {}

  /** Starts the jar on a free port with this test's data directory and waits for it to listen. */
  private Example start() throws Exception {
    assertThat(JAR).as("the example jar (mvn package builds it)").exists();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-jar", JAR.toString(), "--port", "0", "--data-dir", data.toString())
        .redirectErrorStream(true)
        .start();
    processes.add(p);
    p.getOutputStream().close();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          System.out.println("[example] " + line);
          lines.add(line);
        }
      } catch (Exception ignored) {
        // the process ended
      }
    }, "example-output");
    reader.setDaemon(true);
    reader.start();
    List<String> output = new ArrayList<>();
    for (;;) {
      String line = lines.poll(60, TimeUnit.SECONDS);
      assertThat(line).as("the example printed that it is running; so far: " + output).isNotNull();
      output.add(line);
      Matcher m = RUNNING.matcher(line);
      if (m.find()) {
        return new Example(p, Integer.parseInt(m.group(1)), output);
      }
    }
  }
}
