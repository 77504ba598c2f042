package dev.parley.chat.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The floor server answers the Socket.IO handshake and the join as the load generator expects, and
 * delivers each room message to every other member and each private message to its target; and the
 * same loads split over two generator processes add up to what one process counts.
 */
class FloorServerTest {
  private static FloorServer floor;

  @BeforeAll
  static void start() throws Exception {
    floor = FloorServer.start("127.0.0.1", 0, 0);
  }

  @AfterAll
  static void stop() {
    floor.close();
  }

  private static List<String> target(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--driver", "socketio", "--port", Integer.toString(floor.port()),
        "--stats-port", Integer.toString(floor.statsPort()), "--server-pid", Long.toString(ProcessHandle.current().pid()),
        "--warmup", "0", "--drain", "30"));
    return all;
  }

  private static JsonObject runOne(String... args) {
    List<JsonObject> lines = new ArrayList<>();
    new LoadGen(Settings.parse(target(args).toArray(String[]::new)), lines::add).run();
    assertThat(lines).hasSize(1);
    return lines.get(0);
  }

  @Test
  void joinsEveryConnectionAndReportsThemInItsStats() {
    JsonObject r = runOne("--scenario", "connect", "--connections", "20", "--room-size", "10");

    assertThat(r.get("joined").getAsInt()).isEqualTo(20);
    assertThat(r.get("failed").getAsInt()).isZero();
    assertThat(r.getAsJsonArray("memory").get(1).getAsJsonObject().get("serverConnections").getAsLong()).isEqualTo(20);
    assertThat(r.has("serverCpuUsPerConnection")).isTrue();
  }

  @Test
  void deliversRoomMessagesToEveryOtherMember() {
    JsonObject r = runOne("--scenario", "fanout", "--rooms", "2", "--room-size", "4", "--senders", "1",
        "--rate", "100", "--duration", "0.5");

    assertThat(r.get("sent").getAsLong()).isEqualTo(50);
    assertThat(r.get("delivered").getAsLong()).isEqualTo(150);
    assertThat(r.get("drops").getAsLong()).isZero();
  }

  @Test
  void deliversPrivateMessagesFromTheFirstMembersOfEachRoom() {
    JsonObject r = runOne("--scenario", "pm", "--users", "8", "--room-size", "4", "--pm-senders", "2",
        "--rate", "100", "--duration", "0.5");

    assertThat(r.get("sent").getAsLong()).isEqualTo(50);
    assertThat(r.get("delivered").getAsLong()).isEqualTo(50);
  }

  @Test
  void twoGeneratorProcessesSplitTheRoomsAndTheRateAndTheirCountsAddUp() throws Exception {
    List<String> args = target("--scenario", "fanout", "--rooms", "4", "--room-size", "3", "--senders", "1",
        "--rate", "100", "--duration", "1");
    Settings s = Settings.parse(args.toArray(String[]::new));
    List<String> childArgs = new ArrayList<>(args.subList(0, args.indexOf("--stats-port")));
    childArgs.addAll(List.of("--warmup", "0", "--drain", "30", "--tag", s.tag));

    List<JsonObject> merged = MultiLoadGen.run(s, 2, List.of("-Xmx128m"), childArgs);

    assertThat(merged).hasSize(1);
    JsonObject r = merged.get(0);
    assertThat(r.get("processes").getAsInt()).isEqualTo(2);
    // Each process sends 50 messages (half the rate) into its 2 rooms of 3: 2 deliveries each.
    assertThat(r.get("sent").getAsLong()).isEqualTo(100);
    assertThat(r.get("expected").getAsLong()).isEqualTo(200);
    assertThat(r.get("delivered").getAsLong()).isEqualTo(200);
    assertThat(r.getAsJsonObject("latencyUs").get("count").getAsLong()).isEqualTo(200);
    assertThat(r.has("serverCpuNsPerDelivery")).isTrue();
    assertThat(r.has("latencyHistogram")).isFalse();
  }
}
