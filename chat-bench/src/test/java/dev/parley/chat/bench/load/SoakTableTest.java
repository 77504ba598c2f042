package dev.parley.chat.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SoakTableTest {
  private static JsonObject json(String s) {
    return JsonParser.parseString(s).getAsJsonObject();
  }

  private static JsonObject sample(double t, long heapMib) {
    return json("{\"scenario\":\"soak-sample\",\"t\":" + t + ",\"connections\":10000,\"heapUsedAfterGc\":"
        + heapMib * (1 << 20) + ",\"directMemory\":" + 6 * (1 << 20) + ",\"rss\":" + 300L * (1 << 20)
        + ",\"deliveriesPerSec\":3750.4,\"errors\":0}");
  }

  @Test
  void oneRowPerIntervalFromTheNearestReadingAndTheVerdicts() {
    List<JsonObject> results = new ArrayList<>();
    results.add(sample(-30, 40)); // warm-up: not a row
    for (int i = 0; i <= 20; i++) {
      results.add(sample(i * 30 + 0.4, 60 + (i == 10 ? 1 : 0)));
    }
    results.add(json("""
        {"scenario":"soak","ok":true,"errors":0,"reconnects":6000,"roomMessages":150000,"privateMessages":30000,
         "heapAfterGc":{"samples":11,"meanBytes":62914560,"slopeBytesPer10Min":-104857.6,"boundBytesPer10Min":1048576,
                        "flat":true},
         "directMemory":{"samples":11,"meanBytes":6291456,"slopeBytesPer10Min":0,"boundBytesPer10Min":1048576,
                         "flat":true}}"""));

    String table = SoakTable.of(results, 5);

    assertThat(SoakTable.present(results)).isTrue();
    assertThat(table.lines().filter(l -> l.matches("\\| \\d.*"))).containsExactly(
        "| 0.0 | 10,000 | 60.0 | 6.0 | 300.0 | 3,750 | 0 |",
        "| 5.0 | 10,000 | 61.0 | 6.0 | 300.0 | 3,750 | 0 |",
        "| 10.0 | 10,000 | 60.0 | 6.0 | 300.0 | 3,750 | 0 |");
    assertThat(table).contains("| Heap after GC | 11 | 60.0 | -0.10 | 1.00 | yes |")
        .contains("| Direct memory | 11 | 6.0 | +0.00 | 1.00 | yes |")
        .contains("Passed: yes (errors: 0; reconnections: 6,000; room messages: 150,000; private messages: 30,000)");
  }
}
