package dev.parley.chat.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The coordinator's merge of the parts' results: sums, merged histograms, one verdict. */
class MultiLoadGenTest {
  private static JsonObject part(long sent, long delivered, long lagUs, long... latenciesUs) {
    Histogram h = Fleet.histogram();
    for (long v : latenciesUs) {
      h.recordValue(v);
    }
    JsonObject o = new JsonObject();
    o.addProperty("scenario", "fanout");
    o.addProperty("part", 0);
    o.addProperty("sent", sent);
    o.addProperty("expected", sent * 2);
    o.addProperty("delivered", delivered);
    o.addProperty("drops", sent * 2 - delivered);
    o.addProperty("maxSendLagUs", lagUs);
    o.addProperty("loadgenCpuUtil", 0.25);
    o.addProperty("serverCpuNsPerDelivery", 1234.0);
    o.add("latencyUs", LoadGen.percentiles(h));
    o.addProperty("latencyHistogram", MultiLoadGen.encode(h));
    o.addProperty("ok", true);
    return o;
  }

  @Test
  void sumsCountsTakesTheWorstLagAndMergesTheLatencies() {
    JsonObject a = part(10, 20, 300, 100, 100, 100);
    JsonObject b = part(5, 9, 700, 40_000);

    JsonObject m = MultiLoadGen.merge(List.of(a, b), 50);

    assertThat(m.get("sent").getAsLong()).isEqualTo(15);
    assertThat(m.get("expected").getAsLong()).isEqualTo(30);
    assertThat(m.get("delivered").getAsLong()).isEqualTo(29);
    assertThat(m.get("drops").getAsLong()).isEqualTo(1);
    assertThat(m.get("maxSendLagUs").getAsDouble()).isEqualTo(700);
    assertThat(m.get("loadgenCpuUtil").getAsDouble()).isEqualTo(0.5);
    JsonObject latency = m.getAsJsonObject("latencyUs");
    assertThat(latency.get("count").getAsLong()).isEqualTo(4);
    assertThat(latency.get("p50").getAsLong()).isBetween(99L, 101L);
    assertThat(latency.get("max").getAsLong()).isBetween(39_900L, 40_100L);
    assertThat(m.get("ok").getAsBoolean()).isTrue();
    // The parts' own CPU figures overlap in time; only the coordinator's whole-window figure counts.
    assertThat(m.has("serverCpuNsPerDelivery")).isFalse();
    assertThat(m.has("latencyHistogram")).isFalse();
    assertThat(m.has("part")).isFalse();
  }

  @Test
  void failsWhenTheMergedP99IsOverTheLimitThoughEachPartPassed() {
    JsonObject fast = part(1, 2, 0, 100);
    JsonObject slow = part(1, 2, 0, 90_000);

    assertThat(MultiLoadGen.merge(List.of(fast, slow), 50).get("ok").getAsBoolean()).isFalse();
  }

  @Test
  void aHistogramSurvivesItsBase64Form() {
    Histogram h = Fleet.histogram();
    h.recordValue(12_345);
    h.recordValue(7);

    Histogram back = MultiLoadGen.decode(MultiLoadGen.encode(h));

    assertThat(back.getTotalCount()).isEqualTo(2);
    assertThat(back.getMaxValue()).isEqualTo(h.getMaxValue());
  }
}
