package dev.parley.chat.bench.load;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * The soak's tables for docs/benchmarks.md, from its result lines: the samples closest to every
 * {@code everyMinutes} minutes of the measured time, and the flatness verdicts of its summary.
 */
final class SoakTable {
  private SoakTable() {}

  private static final double MIB = 1 << 20;

  /** Whether {@code results} hold a soak. */
  static boolean present(List<JsonObject> results) {
    return results.stream().anyMatch(o -> o.get("scenario").getAsString().equals("soak"));
  }

  static String of(List<JsonObject> results, double everyMinutes) {
    List<JsonObject> samples = results.stream()
        .filter(o -> o.get("scenario").getAsString().equals("soak-sample") && o.get("t").getAsDouble() >= 0)
        .toList();
    StringBuilder b = new StringBuilder(
        "| Minute | Connections | Heap after GC (MiB) | Direct memory (MiB) | RSS (MiB) | Deliveries/s | Errors |\n"
            + "|---:|---:|---:|---:|---:|---:|---:|\n");
    double last = samples.isEmpty() ? 0 : samples.get(samples.size() - 1).get("t").getAsDouble();
    for (double minute = 0; minute * 60 <= last + 1e-9; minute += everyMinutes) {
      double at = minute * 60;
      JsonObject s = samples.stream()
          .min((x, y) -> Double.compare(Math.abs(x.get("t").getAsDouble() - at), Math.abs(y.get("t").getAsDouble() - at)))
          .orElseThrow();
      b.append(String.format(Locale.ROOT, "| %.1f | %,d | %.1f | %.1f | %.1f | %,.0f | %d |%n",
          s.get("t").getAsDouble() / 60, s.get("connections").getAsLong(), s.get("heapUsedAfterGc").getAsLong() / MIB,
          s.has("directMemory") ? s.get("directMemory").getAsLong() / MIB : Double.NaN, s.get("rss").getAsLong() / MIB,
          s.get("deliveriesPerSec").getAsDouble(), s.get("errors").getAsLong()));
    }
    JsonObject summary = results.stream().filter(o -> o.get("scenario").getAsString().equals("soak"))
        .reduce((x, y) -> y).orElseThrow();
    b.append("\n| Series (second half) | Samples | Mean (MiB) | Slope (MiB per 10 min) | Bound (MiB per 10 min) | Flat |\n"
        + "|---|---:|---:|---:|---:|---|\n");
    verdict(b, "Heap after GC", summary.getAsJsonObject("heapAfterGc"));
    verdict(b, "Direct memory", summary.getAsJsonObject("directMemory"));
    b.append(String.format(Locale.ROOT, "%nPassed: %s (errors: %d; reconnections: %,d; room messages: %,d;"
            + " private messages: %,d)%n", summary.get("ok").getAsBoolean() ? "yes" : "no",
        summary.get("errors").getAsLong(), summary.get("reconnects").getAsLong(),
        summary.get("roomMessages").getAsLong(), summary.get("privateMessages").getAsLong()));
    return b.toString();
  }

  private static void verdict(StringBuilder b, String name, JsonObject v) {
    if (v == null) {
      b.append("| ").append(name).append(" | – | – | – | – | not reported |\n");
      return;
    }
    b.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %+.2f | %.2f | %s |%n", name, v.get("samples").getAsInt(),
        v.get("meanBytes").getAsDouble() / MIB, v.get("slopeBytesPer10Min").getAsDouble() / MIB,
        v.get("boundBytesPer10Min").getAsDouble() / MIB, v.get("flat").getAsBoolean() ? "yes" : "no"));
  }
}
