package dev.parley.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The crash test: a server process with {@code ackTiming ON_COMMIT} is killed with SIGKILL
 * right after it acknowledged the N-th message, while more are in flight; restarted on the same
 * database, it has every acknowledged message in its history, in order, none twice.
 */
class StoreCrashIT {
  private static final int ACKED = 300; // N
  private static final int IN_FLIGHT = 25; // messages sent ahead of their acknowledgements
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  private TestDatabase db;
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (Process p : processes) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (db != null) {
      db.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void everyAcknowledgedMessageSurvivesSigkill(String database) throws Exception {
    db = TestDatabase.named(database, dir);

    Process first = start("first");
    int sent = 0;
    Set<Integer> acked = new HashSet<>();
    try (Client alice = new Client(port("first"))) {
      alice.send("{\"type\":\"join\",\"id\":\"join\",\"room\":\"lobby\",\"username\":\"alice\"}");
      alice.until("joined");
      while (sent < IN_FLIGHT) {
        alice.sendMessage(++sent);
      }
      while (acked.size() < ACKED) {
        JsonObject ack = alice.until("ack");
        acked.add(Integer.parseInt(ack.get("id").getAsString()));
        if (acked.size() < ACKED) {
          alice.sendMessage(++sent); // keep the window full, so the kill lands among messages in flight
        }
      }
      first.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no close(), no last flush
      assertThat(first.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }
    assertThat(first.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    assertThat(sent).as("messages were in flight at the kill").isGreaterThan(ACKED);

    start("second");
    List<Integer> history = new ArrayList<>();
    try (Client bob = new Client(port("second"))) {
      bob.send("{\"type\":\"join\",\"id\":\"join\",\"room\":\"lobby\",\"username\":\"bob\"}");
      for (JsonElement m : bob.until("joined").getAsJsonArray("history")) {
        history.add(Integer.parseInt(m.getAsJsonObject().get("text").getAsString().substring(1)));
      }
    }

    assertThat(history).as("every acknowledged message is kept").containsAll(acked);
    assertThat(history).as("in the order sent, none twice").isSorted().doesNotHaveDuplicates();
    assertThat(history).as("nothing that was never sent").allMatch(i -> i >= 1 && i <= ACKED + IN_FLIGHT);
    System.out.printf("%s: %d acknowledged, %d sent at the kill, %d in history after the restart%n",
        db, acked.size(), sent, history.size());
  }

  private Process start(String name) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        CrashTestServer.class.getName(), db.url(), db.prefix, dir.resolve(name + ".port").toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  private int port(String name) throws Exception {
    Path file = dir.resolve(name + ".port");
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!Files.exists(file)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the server did not start; its log:\n"
            + Files.readString(dir.resolve(name + ".log")));
      }
      Thread.sleep(50); // polling for the port file, up to the deadline
    }
    return Integer.parseInt(Files.readString(file).trim());
  }

  /** The JSON protocol over the JDK's WebSocket client: frames in order, as JSON objects. */
  private static final class Client implements WebSocket.Listener, AutoCloseable {
    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket ws;

    Client(int port) throws Exception {
      ws = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/chat"), this)
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      until("welcome");
    }

    void sendMessage(int n) throws Exception {
      send("{\"type\":\"message\",\"id\":\"" + n + "\",\"room\":\"lobby\",\"text\":\"m" + n + "\"}");
    }

    void send(String json) throws Exception {
      ws.sendText(json, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The next frame of this type; fails on an error frame. */
    JsonObject until(String type) throws InterruptedException {
      for (;;) {
        String frame = frames.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(frame).as("a '" + type + "' frame within " + TIMEOUT).isNotNull();
        JsonObject json = JsonParser.parseString(frame).getAsJsonObject();
        String got = json.get("type").getAsString();
        assertThat(got).as(frame).isNotEqualTo("error");
        if (got.equals(type)) {
          return json;
        }
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        frames.add(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public void close() {
      ws.abort();
    }
  }
}
