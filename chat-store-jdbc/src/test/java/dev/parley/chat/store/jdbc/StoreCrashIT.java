package dev.parley.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.parley.chat.testkit.JsonWebSocketClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The crash test: a server process with the default configuration (no {@code ackTiming}
 * set, so with a persistent store {@code ON_COMMIT}) is killed with SIGKILL in the middle of a burst;
 * restarted on the same database, it has every message it acknowledged in its history, in order,
 * none twice.
 *
 * <p>The burst keeps many messages in flight, so the kill lands among commits at whatever point they
 * are. Before the kill, the test also holds the database's write lock while more messages arrive, as
 * a slow disk or a busy database would: those cannot be committed by the kill, so a server that
 * acknowledged on receipt would lose some in every run, not only when the kill happens to fall
 * between an acknowledgement and its commit.
 */
class StoreCrashIT {
  private static final int ACKED_BEFORE_LOCK = 250;
  private static final int IN_FLIGHT = 25; // messages sent ahead of their acknowledgements
  private static final int SENT_UNDER_LOCK = 25;
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

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
    try (Client alice = new Client(port("first")); Client bob = new Client(port("first"))) {
      bob.join("bob");
      alice.join("alice");
      while (sent < IN_FLIGHT) {
        alice.sendMessage(++sent);
      }
      while (acked.size() < ACKED_BEFORE_LOCK) {
        acked.add(alice.ackedMessage());
        alice.sendMessage(++sent); // keep the window full, so the kill lands among messages in flight
      }
      try (TestDatabase.WriteLock stalled = db.lockWrites()) {
        for (int i = 0; i < SENT_UNDER_LOCK; i++) {
          alice.sendMessage(++sent);
        }
        // Live delivery never waits for the store: once bob has the last one, the server has taken
        // every message sent, and has acknowledged those it was going to acknowledge before a commit.
        bob.untilMessage("m" + sent);
        first.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no close(), no last flush
        assertThat(first.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        // Every acknowledgement the server wrote before it died arrives before the connection ends.
        acked.addAll(alice.ackedUntilClosed());
      }
    }
    assertThat(first.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);

    start("second");
    List<Integer> history = new ArrayList<>();
    try (Client carol = new Client(port("second"))) {
      for (JsonElement m : carol.join("carol").getAsJsonArray("history")) {
        history.add(Integer.parseInt(m.getAsJsonObject().get("text").getAsString().substring(1)));
      }
    }

    assertThat(history).as("every acknowledged message is kept").containsAll(acked);
    assertThat(history).as("in the order sent, none twice").isSorted().doesNotHaveDuplicates();
    int last = sent;
    assertThat(history).as("nothing that was never sent").allMatch(i -> i >= 1 && i <= last);
    assertThat(acked.size()).as("messages were in flight at the kill").isLessThan(sent);
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

  /** The JSON protocol on the test kit's WebSocket client, frames parsed as JSON objects. */
  private static final class Client implements AutoCloseable {
    private final JsonWebSocketClient ws;

    Client(int port) {
      ws = JsonWebSocketClient.connect(URI.create("ws://127.0.0.1:" + port + "/chat"), TIMEOUT);
      until("welcome");
    }

    /** Joins the room; the {@code joined} frame. */
    JsonObject join(String user) {
      ws.send("{\"type\":\"join\",\"id\":\"join\",\"room\":\"lobby\",\"username\":\"" + user + "\"}");
      return until("joined");
    }

    void sendMessage(int n) {
      ws.send("{\"type\":\"message\",\"id\":\"" + n + "\",\"room\":\"lobby\",\"text\":\"m" + n + "\"}");
    }

    /** The number of the next message acknowledged. */
    int ackedMessage() {
      return Integer.parseInt(until("ack").get("id").getAsString());
    }

    /** Waits for a message with this text from another client. */
    void untilMessage(String text) {
      while (!until("message").getAsJsonObject("message").get("text").getAsString().equals(text)) {
        // earlier messages
      }
    }

    /** The numbers of the messages acknowledged from here until the connection ends. */
    List<Integer> ackedUntilClosed() {
      List<Integer> acked = new ArrayList<>();
      for (String frame : ws.framesUntilClosed()) {
        JsonObject json = JsonParser.parseString(frame).getAsJsonObject();
        if (json.get("type").getAsString().equals("ack")) {
          acked.add(Integer.parseInt(json.get("id").getAsString()));
        }
      }
      return acked;
    }

    /** The next frame of this type; fails on an error frame, or if none comes in time. */
    JsonObject until(String type) {
      for (;;) {
        JsonObject json = JsonParser.parseString(ws.next()).getAsJsonObject();
        String got = json.get("type").getAsString();
        assertThat(got).as(json.toString()).isNotEqualTo("error");
        if (got.equals(type)) {
          return json;
        }
      }
    }

    @Override
    public void close() {
      ws.abort();
    }
  }
}
