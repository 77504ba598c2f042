package dev.parley.chat.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the load generator in-process against an in-process Parley bench server, tiny scenarios
 * only: proves the harness counts what it sends and receives, not how fast anything is.
 */
class LoadGenTest {
  private static ParleyBenchServer server;

  @BeforeAll
  static void start() throws Exception {
    server = ParleyBenchServer.start("127.0.0.1", 0, 0, false, 10);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static List<JsonObject> run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--port", Integer.toString(server.port()), "--stats-port", Integer.toString(server.statsPort()),
        "--server-pid", Long.toString(ProcessHandle.current().pid()), "--warmup", "0"));
    List<JsonObject> lines = new ArrayList<>();
    new LoadGen(Settings.parse(all.toArray(String[]::new)), lines::add).run();
    return lines;
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "socketio"})
  void fanoutDeliversEveryMessageToEveryOtherMember(String driver) {
    List<JsonObject> lines = run("--scenario", "fanout", "--driver", driver, "--rooms", "3", "--room-size", "4",
        "--senders", "2", "--rate", "200", "--duration", "0.5", "--drain", "20");

    assertThat(lines).hasSize(1);
    JsonObject r = lines.get(0);
    assertThat(r.get("scenario").getAsString()).isEqualTo("fanout");
    assertThat(r.get("sent").getAsLong()).isEqualTo(100);
    assertThat(r.get("expected").getAsLong()).isEqualTo(100 * 3);
    assertThat(r.get("delivered").getAsLong()).isEqualTo(300);
    assertThat(r.get("drops").getAsLong()).isZero();
    assertThat(r.get("closedDuringStep").getAsInt()).isZero();
    assertThat(r.getAsJsonObject("latencyUs").get("count").getAsLong()).isEqualTo(300);
    assertThat(r.getAsJsonObject("latencyFromSendUs").get("count").getAsLong()).isEqualTo(300);
    assertThat(r.has("serverCpuNsPerDelivery")).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "socketio"})
  void privateMessagesEachReachTheirTarget(String driver) {
    List<JsonObject> lines = run("--scenario", "pm", "--driver", driver, "--users", "6", "--room-size", "3",
        "--rate", "100", "--duration", "0.5", "--drain", "20");

    JsonObject r = lines.get(0);
    assertThat(r.get("sent").getAsLong()).isEqualTo(50);
    assertThat(r.get("delivered").getAsLong()).isEqualTo(50);
    assertThat(r.get("drops").getAsLong()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "socketio"})
  void connectJoinsEveryConnectionAndReadsTheServersMemory(String driver) {
    List<JsonObject> lines = run("--scenario", "connect", "--driver", driver, "--connections", "40",
        "--room-size", "10", "--checkpoints", "2", "--source-addresses", "2");

    JsonObject r = lines.get(0);
    assertThat(r.get("joined").getAsInt()).isEqualTo(40);
    assertThat(r.get("failed").getAsInt()).isZero();
    assertThat(r.get("allSettled").getAsBoolean()).isTrue();
    assertThat(r.getAsJsonArray("memory")).hasSize(3);
    JsonObject last = r.getAsJsonArray("memory").get(2).getAsJsonObject();
    assertThat(last.get("serverConnections").getAsLong()).isEqualTo(40);
    assertThat(last.get("heapUsedAfterGc").getAsLong()).isPositive();
    assertThat(r.has("heapPerConnBytes")).isTrue();
    assertThat(r.has("rssPerConnBytes")).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "socketio"})
  void sweepStopsAtTheFirstRateThatMissesTheLatencyLimit(String driver) {
    // A p99 limit of zero fails every step on latency alone, so the sweep tries its first rate three
    // times and ends there.
    List<JsonObject> lines = run("--scenario", "sweep", "--driver", driver, "--rooms", "1", "--room-size", "3",
        "--start-rate", "100", "--duration", "0.2", "--drain", "20", "--p99-ms", "0");

    assertThat(lines).hasSize(4);
    for (JsonObject step : lines.subList(0, lines.size() - 1)) {
      assertThat(step.get("scenario").getAsString()).isEqualTo("sweep-step");
      assertThat(step.get("offeredRate").getAsDouble()).isEqualTo(100);
      assertThat(step.get("drops").getAsLong()).isZero();
    }
    JsonObject summary = lines.get(lines.size() - 1);
    assertThat(summary.get("scenario").getAsString()).isEqualTo("sweep");
    assertThat(summary.get("maxSustainableRate").getAsDouble()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"mixed", "socketio"})
  void soakSamplesMemoryWhileConnectionsChatAndReconnect(String driver) {
    List<JsonObject> lines = run("--scenario", "soak", "--driver", driver, "--connections", "20", "--room-size", "5",
        "--rate", "20", "--pm-rate", "10", "--churn-rate", "20", "--duration", "2", "--sample-every", "0.5",
        "--drain", "5");

    List<JsonObject> samples = lines.stream().filter(o -> o.get("scenario").getAsString().equals("soak-sample")).toList();
    assertThat(samples).hasSizeGreaterThanOrEqualTo(2);
    for (JsonObject sample : samples) {
      assertThat(sample.get("heapUsedAfterGc").getAsLong()).isPositive();
      assertThat(sample.get("directMemory").getAsLong()).isNotNegative();
      assertThat(sample.get("errors").getAsLong()).isZero();
    }
    JsonObject summary = lines.get(lines.size() - 1);
    assertThat(summary.get("scenario").getAsString()).isEqualTo("soak");
    assertThat(summary.get("errors").getAsLong()).isZero();
    assertThat(summary.get("reconnects").getAsLong()).isPositive();
    assertThat(summary.get("roomMessages").getAsLong()).isPositive();
    assertThat(summary.get("privateMessages").getAsLong()).isPositive();
    assertThat(summary.get("delivered").getAsLong()).isPositive();
    assertThat(summary.getAsJsonObject("heapAfterGc").has("flat")).isTrue();
    assertThat(summary.getAsJsonObject("directMemory").has("flat")).isTrue();
  }
}
