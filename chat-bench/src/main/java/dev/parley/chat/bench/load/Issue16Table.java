package dev.parley.chat.bench.load;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/**
 * The table of issue 16 from an {@code issue16.sh} run's JSON lines: per metric, Parley's median over
 * the rounds, the better peer's (node or netty-socketio, the lower median) or, for the light load,
 * the floor server's, Parley's advantage as the issue states it (peer / Parley, so above 1 is
 * better; for the floor, Parley / floor, so at most the target is better), the target and, in the
 * last column, the floor server's median for every metric: no peer, but the least any server pays
 * on the same machine for the same bytes, which says how far a target can be reached. Results
 * are told apart by their {@code label} ({@code pm}, {@code connect}, {@code fanout-1000}, {@code
 * light}). Flags: {@code --results FILE.jsonl}, {@code --parley NAME} (whose results are Parley's:
 * {@code parley} by default, or a variant run beside it such as {@code parley-tuned}).
 */
public final class Issue16Table {
  private static final List<String> PEERS = List.of("node", "netty-socketio");

  /** One row: which results, which number, how it compares. */
  private record Row(String title, String label, ToDoubleFunction<JsonObject> value, String unit, String target,
      boolean againstFloor) {}

  private static final List<Row> ROWS = List.of(
      new Row("Server CPU per private message at saturation", "pm",
          o -> o.get("serverCpuNsPerDelivery").getAsDouble() / 1000, "µs", "4×", false),
      new Row("Server CPU per connection set-up", "connect",
          o -> o.get("serverCpuUsPerConnection").getAsDouble() / 1000, "ms", "2×", false),
      new Row("Connect-and-join latency p99", "connect",
          o -> o.getAsJsonObject("connectJoinLatencyUs").get("p99").getAsDouble() / 1000, "ms",
          "at most the better peer's (≥ 1×)", false),
      new Row("Heap per idle joined connection after GC", "connect",
          o -> o.get("heapPerConnBytes").getAsDouble(), "B", "3×", false),
      new Row("Server CPU per delivery, 1 room × 1,000, one sender at saturation", "fanout-1000",
          o -> o.get("serverCpuNsPerDelivery").getAsDouble() / 1000, "µs", "4×", false),
      new Row("Server CPU per delivery at a light fixed rate, against the floor server", "light",
          o -> o.get("serverCpuNsPerDelivery").getAsDouble() / 1000, "µs", "≤ 1.2× the floor", true));

  private final List<JsonObject> results;
  /** Whose results stand for Parley: {@code parley}, or a variant such as {@code parley-tuned}. */
  private final String parleyName;

  Issue16Table(List<JsonObject> results) {
    this(results, "parley");
  }

  Issue16Table(List<JsonObject> results, String parleyName) {
    this.results = results;
    this.parleyName = parleyName;
  }

  public static void main(String[] args) throws IOException {
    Flags flags = Flags.parse(args);
    Path file = Path.of(flags.string("results", "results.jsonl"));
    String parley = flags.string("parley", "parley");
    flags.rejectUnknown();
    List<JsonObject> results = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.startsWith("{")) {
        results.add(JsonParser.parseString(line).getAsJsonObject());
      }
    }
    System.out.print(new Issue16Table(results, parley).table());
  }

  /** The median over the rounds of {@code server}'s results labelled {@code row.label}. */
  OptionalDouble median(Row row, String server) {
    List<Double> values = new ArrayList<>();
    for (JsonObject o : results) {
      if (o.has("label") && o.get("label").getAsString().equals(row.label()) && o.get("server").getAsString().equals(server)) {
        try {
          values.add(row.value().applyAsDouble(o));
        } catch (RuntimeException e) {
          // a run that failed before measuring (an "error" line) has no such figure
        }
      }
    }
    if (values.isEmpty()) {
      return OptionalDouble.empty();
    }
    values.sort(null);
    int n = values.size();
    return OptionalDouble.of(n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2);
  }

  String table() {
    StringBuilder b = new StringBuilder("| Metric | Parley | Better peer | Parley's advantage | Target | Floor |\n")
        .append("|---|---|---|---|---|---|\n");
    for (Row row : ROWS) {
      OptionalDouble parley = median(row, parleyName);
      OptionalDouble floor = median(row, "floor");
      String other = null;
      OptionalDouble best = OptionalDouble.empty();
      for (String peer : row.againstFloor() ? List.of("floor") : PEERS) {
        OptionalDouble v = median(row, peer);
        if (v.isPresent() && (best.isEmpty() || v.getAsDouble() < best.getAsDouble())) {
          best = v;
          other = peer;
        }
      }
      String ratio = "–";
      if (parley.isPresent() && best.isPresent() && parley.getAsDouble() > 0) {
        double r = row.againstFloor() ? parley.getAsDouble() / best.getAsDouble() : best.getAsDouble() / parley.getAsDouble();
        ratio = String.format(Locale.ROOT, "%.2f×", r);
      }
      b.append("| ").append(row.title()).append(" | ")
          .append(parley.isPresent() ? number(parley.getAsDouble()) + " " + row.unit() : "–").append(" | ")
          .append(best.isPresent() ? other + ", " + number(best.getAsDouble()) + " " + row.unit() : "–").append(" | ")
          .append(ratio).append(" | ").append(row.target()).append(" | ")
          .append(floor.isPresent() ? number(floor.getAsDouble()) + " " + row.unit() : "–").append(" |\n");
    }
    return b.toString();
  }

  private static String number(double v) {
    return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3g", v);
  }
}
