package dev.parley.chat.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import org.junit.jupiter.api.Test;

class Issue16TableTest {
  private static JsonObject pm(String server, String round, double cpuNs) {
    return JsonParser.parseString("{\"scenario\":\"pm\",\"label\":\"pm\",\"server\":\"" + server + "\",\"round\":\""
        + round + "\",\"serverCpuNsPerDelivery\":" + cpuNs + "}").getAsJsonObject();
  }

  private static JsonObject light(String server, double cpuNs) {
    return JsonParser.parseString("{\"scenario\":\"fanout\",\"label\":\"light\",\"server\":\"" + server
        + "\",\"round\":\"1\",\"serverCpuNsPerDelivery\":" + cpuNs + "}").getAsJsonObject();
  }

  private static String row(String table, String start) {
    return table.lines().filter(l -> l.startsWith("| " + start)).findFirst().orElseThrow();
  }

  @Test
  void comparesParleysMedianOfTheRoundsWithTheBetterPeersAsTheIssueStatesIt() {
    String table = new Issue16Table(List.of(
        pm("parley", "1", 20_000), pm("parley", "2", 10_000), pm("parley", "3", 90_000),
        pm("node", "1", 40_000), pm("netty-socketio", "1", 30_000), pm("netty-socketio", "2", 30_000))).table();

    // Parley's median 20 µs; the better peer netty-socketio at 30 µs; advantage 30 / 20.
    assertThat(row(table, "Server CPU per private message")).isEqualTo(
        "| Server CPU per private message at saturation | 20.0 µs | netty-socketio, 30.0 µs | 1.50× | 4× | – |");
  }

  @Test
  void statesTheLightLoadAsParleyOverTheFloor() {
    String table = new Issue16Table(List.of(light("parley", 12_000), light("floor", 10_000), light("node", 1_000))).table();

    assertThat(row(table, "Server CPU per delivery at a light")).contains("| floor, 10.0 µs | 1.20× |");
  }

  @Test
  void showsTheFloorsFigureBesideEveryMetricButNeverAsThePeer() {
    String table = new Issue16Table(List.of(pm("parley", "1", 20_000), pm("node", "1", 40_000), pm("floor", "1", 8_000))).table();

    assertThat(row(table, "Server CPU per private message")).endsWith("| node, 40.0 µs | 2.00× | 4× | 8.00 µs |");
  }

  @Test
  void aVariantOfParleyRunBesideItCanStandForParley() {
    List<JsonObject> results = List.of(pm("parley", "1", 40_000), pm("parley-tuned", "1", 20_000), pm("node", "1", 40_000));

    assertThat(row(new Issue16Table(results, "parley-tuned").table(), "Server CPU per private message"))
        .contains("| 20.0 µs | node, 40.0 µs | 2.00× |");
  }

  @Test
  void aMetricWithoutResultsShowsDashes() {
    String table = new Issue16Table(List.of(pm("parley", "1", 20_000))).table();

    assertThat(row(table, "Heap per idle")).contains("| – | – | – |");
  }
}
