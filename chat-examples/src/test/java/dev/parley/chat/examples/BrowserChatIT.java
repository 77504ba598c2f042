package dev.parley.chat.examples;

import dev.parley.chat.netty.NodeProject;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The example's browser client in a real browser: src/test/browser/browser-chat.mjs drives browser
 * contexts in Debian's chromium with playwright-core (installed from the npm registry into target/),
 * against the example server started here, with alice as its one moderator and a room "archive"
 * holding {@value #ARCHIVED} numbered messages to scroll back through. Halfway through, the script
 * asks for a server restart ("@@ STOP", "@@ START" on its stdout); this test stops the server,
 * checks the port is free, starts a fresh one on the same port, and answers on the script's stdin.
 * The script writes screenshots to target/browser/screenshots/ (docs/images/browser-*.png are
 * copies of some of them).
 */
class BrowserChatIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final long SCRIPT_DEADLINE_MS = TimeUnit.MINUTES.toMillis(5);
  private static final Set<String> MODERATORS = Set.of("alice");
  /** More than the join's history (100) and two pages (50 each) of it. */
  static final int ARCHIVED = 180;
  private static final List<String> SCREENSHOTS =
      List.of("chat.png", "history.png", "typing.png", "error.png", "moderation.png", "edited.png", "receipts.png", "banned.png");
  private static final Object EOF = new Object();

  private RoomsChatExample.Running running;

  @Test
  void twoPeopleChatInTheBrowserAndGetBackTogetherAfterARestart() throws Exception {
    if (!Files.isExecutable(CHROMIUM)) {
      fail("This test drives Debian's chromium at " + CHROMIUM + ", which is not installed. Install it with: "
          + "apt-get update && apt-get install -y chromium");
    }
    Path project = NodeProject.install("src/test/browser", "target/browser-js", "playwright-core");
    Path screenshots = Path.of("target/browser/screenshots").toAbsolutePath();
    for (String name : SCREENSHOTS) {
      Files.deleteIfExists(screenshots.resolve(name));
    }
    Path tmp = Files.createDirectories(Path.of("target/browser/tmp"));

    Path data = Files.createTempDirectory(tmp, "data"); // a history of this run's own, kept across the restart
    running = RoomsChatExample.start(0, data, MODERATORS);
    int port = running.server().port();
    archive(port);
    Process node = null;
    List<String> output = new ArrayList<>();
    try {
      ProcessBuilder run = new ProcessBuilder("node", "browser-chat.mjs")
          .directory(project.toFile())
          .redirectErrorStream(true);
      run.environment().put("PARLEY_URL", "http://127.0.0.1:" + port + "/");
      run.environment().put("SCREENSHOTS", screenshots.toString());
      run.environment().put("ARCHIVED", Integer.toString(ARCHIVED));
      run.environment().put("CHROMIUM", CHROMIUM.toString());
      run.environment().put("TMPDIR", tmp.toAbsolutePath().toString()); // the browser profile goes here
      node = run.start();
      BlockingQueue<Object> lines = readLines(node);
      try (Writer toScript = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8)) {
        long deadline = System.currentTimeMillis() + SCRIPT_DEADLINE_MS;
        while (true) {
          Object next = lines.poll(Math.max(0, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
          if (next == null) {
            fail("the browser script did not finish within " + SCRIPT_DEADLINE_MS + " ms; output:\n" + String.join("\n", output));
          }
          if (next == EOF) {
            break;
          }
          String line = (String) next;
          output.add(line);
          System.out.println("[browser] " + line);
          switch (line) {
            case "@@ STOP" -> {
              stopAndCheckThePortIsFree(port);
              answer(toScript, "STOPPED");
            }
            case "@@ START" -> {
              running = RoomsChatExample.start(port, data, MODERATORS);
              assertThat(running.server().port()).as("restarted on the same port").isEqualTo(port);
              answer(toScript, "STARTED");
            }
            default -> {
              if (line.startsWith("@@ ")) {
                fail("unknown request from the browser script: " + line);
              }
            }
          }
        }
      }
      assertThat(node.waitFor(30, TimeUnit.SECONDS)).as("the browser script exited").isTrue();
      assertThat(node.exitValue()).as("browser script exit code; output above").isZero();
      assertThat(output).as("the script's verdict").contains("BROWSER CHAT OK");
      for (String name : SCREENSHOTS) {
        assertThat(screenshots.resolve(name)).as("the screenshot %s", name).isNotEmptyFile();
      }
    } finally {
      if (node != null && node.isAlive()) {
        node.destroy(); // Playwright closes its browser on SIGTERM
        if (!node.waitFor(10, TimeUnit.SECONDS)) {
          node.descendants().forEach(ProcessHandle::destroyForcibly);
          node.destroyForcibly();
        }
      }
      if (running != null) {
        running.stop();
      }
    }
  }

  /**
   * Puts {@value #ARCHIVED} messages, "archive message 1" and up, in the room "archive", kept in the
   * history store: a member holds the room open while server code sends them, each acknowledged
   * once committed.
   */
  private void archive(int port) {
    try (JsonClient archivist = new JsonClient(port)) {
      archivist.send("{\"type\":\"join\",\"id\":\"1\",\"room\":\"archive\",\"username\":\"archivist\"}");
      archivist.until("\"type\":\"joined\"");
      for (int i = 1; i <= ARCHIVED; i++) {
        running.chat().distributeMsg("archive", "archivist", "archive message " + i).toCompletableFuture().join();
      }
    }
  }

  /** Stops the server and checks that nothing listens on its port any more. */
  private void stopAndCheckThePortIsFree(int port) {
    RoomsChatExample.Running old = running;
    running = null;
    old.stop();
    assertThatThrownBy(() -> {
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      }
    }).as("after stop() nothing accepts connections on port %d", port).isInstanceOf(ConnectException.class);
  }

  private static void answer(Writer toScript, String line) throws IOException {
    toScript.write(line + "\n");
    toScript.flush();
  }

  /** The process's output, line by line, then {@link #EOF}; read on a thread of its own. */
  private static BlockingQueue<Object> readLines(Process process) {
    BlockingQueue<Object> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("(reading the script's output failed: " + e + ")");
      } finally {
        lines.add(EOF);
      }
    }, "browser-script-output");
    reader.setDaemon(true);
    reader.start();
    return lines;
  }
}
