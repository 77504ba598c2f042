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

  /** The JSON protocol over the JDK's WebSocket client: frames in order, as JSON objects. */
  private static final class Client implements WebSocket.Listener, AutoCloseable {
    /** Queued after the last frame once the connection has ended. */
    private static final String CLOSED = "";

    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket ws;

    Client(int port) throws Exception {
      ws = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/chat"), this)
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      until("welcome");
    }

    /** Joins the room; the {@code joined} frame. */
    JsonObject join(String user) throws Exception {
      send("{\"type\":\"join\",\"id\":\"join\",\"room\":\"lobby\",\"username\":\"" + user + "\"}");
      return until("joined");
    }

    void sendMessage(int n) throws Exception {
      send("{\"type\":\"message\",\"id\":\"" + n + "\",\"room\":\"lobby\",\"text\":\"m" + n + "\"}");
    }

    void send(String json) throws Exception {
      ws.sendText(json, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The number of the next message acknowledged. */
    int ackedMessage() throws InterruptedException {
      return Integer.parseInt(until("ack").get("id").getAsString());
    }

    /** Waits for a message with this text from another client. */
    void untilMessage(String text) throws InterruptedException {
      while (!until("message").getAsJsonObject("message").get("text").getAsString().equals(text)) {
        // earlier messages
      }
    }

    /** The numbers of the messages acknowledged from here until the connection ends. */
    List<Integer> ackedUntilClosed() throws InterruptedException {
      List<Integer> acked = new ArrayList<>();
      for (JsonObject frame = next(); frame != null; frame = next()) {
        if (frame.get("type").getAsString().equals("ack")) {
          acked.add(Integer.parseInt(frame.get("id").getAsString()));
        }
      }
      return acked;
    }

    /** The next frame of this type; fails on an error frame, or if the connection ends first. */
    JsonObject until(String type) throws InterruptedException {
      for (;;) {
        JsonObject json = next();
        assertThat(json).as("a '" + type + "' frame before the connection ended").isNotNull();
        String got = json.get("type").getAsString();
        assertThat(got).as(json.toString()).isNotEqualTo("error");
        if (got.equals(type)) {
          return json;
        }
      }
    }

    /** The next frame, or {@code null} once the connection has ended. */
    private JsonObject next() throws InterruptedException {
      String frame = frames.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertThat(frame).as("a frame or the end of the connection within " + TIMEOUT).isNotNull();
      return frame.equals(CLOSED) ? null : JsonParser.parseString(frame).getAsJsonObject();
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
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      frames.add(CLOSED);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      frames.add(CLOSED); // a killed server resets the connection
    }

    @Override
    public void close() {
      ws.abort();
    }
  }
}
