package dev.parley.chat.bench.load;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/**
 * Reads the load generator's JSON lines and prints a Markdown table per metric (every server, the
 * mean over rounds; Parley's ratio to the better peer; the target) and writes the charts as
 * PNGs. Flags: {@code --results FILE.jsonl}, {@code --images DIR} (none: no charts), {@code --parley
 * NAME} (the server label of Parley, default {@code parley}), {@code --driver socketio} (the driver
 * Parley is compared in; peers speak only Socket.IO). A soak's results get {@link SoakTable}'s
 * tables instead, and a cluster run's {@link ClusterTable}'s.
 */
public final class Report {
  /** One row of the table: how to read it from results, which way is better, the target ratio. */
  private record Metric(String title, String scenario, ToDoubleFunction<JsonObject> value, boolean lowerIsBetter,
      double targetRatio, String unit) {}

  private static final List<Metric> METRICS = List.of(
      new Metric("Server CPU per delivered message (fan-out, fixed rate)", "fanout",
          o -> o.get("serverCpuNsPerDelivery").getAsDouble() / 1000, true, 0.25, "µs"),
      new Metric("Sustainable fan-out (no drops, p99 < 50 ms)", "sweep",
          o -> o.get("maxSustainableDeliveriesPerSec").getAsDouble(), false, 4, "deliveries/s"),
      new Metric("Heap per idle joined connection", "connect", o -> o.get("heapPerConnBytes").getAsDouble(), true,
          1 / 3.0, "bytes"),
      new Metric("RSS per idle joined connection", "connect", o -> o.get("rssPerConnBytes").getAsDouble(), true, 0.5,
          "bytes"),
      new Metric("Heap per further idle joined connection (first checkpoint to last)", "connect",
          o -> marginal(o, "heapUsedAfterGc"), true, 1 / 3.0, "bytes"),
      new Metric("RSS per further idle joined connection (first checkpoint to last)", "connect",
          o -> marginal(o, "rss"), true, 0.5, "bytes"),
      new Metric("Idle joined connections held (one process, fd limit 20,000)", "connect",
          o -> o.get("joined").getAsDouble(), false, Double.NaN, "connections"),
      new Metric("Projected RSS at 100,000 connections (last checkpoint plus the further cost)", "connect",
          o -> projectedRss(o, 100_000) / (1 << 20), true, Double.NaN, "MiB"),
      new Metric("Fan-out latency p99 at the fixed rate", "fanout",
          o -> o.getAsJsonObject("latencyUs").get("p99").getAsDouble() / 1000, true, Double.NaN, "ms"),
      new Metric("Same, counted from the actual send (without the generator's lag)", "fanout",
          o -> o.getAsJsonObject("latencyFromSendUs").get("p99").getAsDouble() / 1000, true, Double.NaN, "ms"),
      new Metric("Generator's worst lag behind its schedule (fan-out)", "fanout",
          o -> o.get("maxSendLagUs").getAsDouble() / 1000, true, Double.NaN, "ms"),
      new Metric("Server CPU per private message", "pm",
          o -> o.get("serverCpuNsPerDelivery").getAsDouble() / 1000, true, Double.NaN, "µs"),
      new Metric("Private message latency p99", "pm",
          o -> o.getAsJsonObject("latencyUs").get("p99").getAsDouble() / 1000, true, Double.NaN, "ms"));

  /**
   * Memory per connection past the first checkpoint: what each further connection costs, without
   * what a runtime spends once as load begins (a Java heap's young generation touched for the first
   * time, compiled code), which the figure from zero spreads over every connection.
   */
  static double marginal(JsonObject connect, String field) {
    JsonArray points = connect.getAsJsonArray("memory");
    if (points == null || points.size() < 3) {
      throw new IllegalArgumentException("needs two checkpoints after the start");
    }
    JsonObject first = points.get(1).getAsJsonObject();
    JsonObject last = points.get(points.size() - 1).getAsJsonObject();
    double clients = last.get("clients").getAsDouble() - first.get("clients").getAsDouble();
    return (last.get(field).getAsDouble() - first.get(field).getAsDouble()) / clients;
  }

  /** The RSS at the last checkpoint, plus the further cost per connection up to {@code connections}. */
  static double projectedRss(JsonObject connect, int connections) {
    JsonArray points = connect.getAsJsonArray("memory");
    JsonObject last = points.get(points.size() - 1).getAsJsonObject();
    return last.get("rss").getAsDouble() + (connections - last.get("clients").getAsDouble()) * marginal(connect, "rss");
  }

  private final List<JsonObject> results;
  private final String parleyServer;
  /** The row Parley is compared in: its server label with the driver the peers also speak. */
  private final String parley;

  Report(List<JsonObject> results, String parleyServer, String driver) {
    this.results = results;
    this.parleyServer = parleyServer;
    this.parley = parleyServer + " (" + driver + ")";
  }

  public static void main(String[] args) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Flags f = Flags.parse(args);
    Path file = Path.of(f.string("results", "results.jsonl"));
    String images = f.string("images", null);
    String parley = f.string("parley", "parley");
    String driver = f.string("driver", "socketio");
    f.rejectUnknown();
    List<JsonObject> results = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.startsWith("{")) {
        JsonObject o = JsonParser.parseString(line).getAsJsonObject();
        if (o.has("driver")) {
          results.add(o);
        } else if (o.has("loadavg")) {
          // ab.sh's notes on the machine: shown, not tabulated.
          System.out.println("machine at " + o.get("phase").getAsString() + ": load average "
              + o.get("loadavg").getAsString() + ", " + o.get("cores") + " cores");
        }
      }
    }
    if (ClusterTable.present(results)) {
      // chat-bench/cluster.sh: one node against another engine and several nodes, no peers.
      System.out.print(ClusterTable.of(results));
      return;
    }
    if (SoakTable.present(results)) {
      // A soak's file holds no comparison: its own tables, a row every five minutes.
      System.out.print(SoakTable.of(results, 5));
      return;
    }
    Report report = new Report(results, parley, driver);
    System.out.print(report.table());
    if (images != null) {
      Path dir = Path.of(images);
      Files.createDirectories(dir);
      report.latencyChart(dir.resolve("bench-latency.png"));
      report.memoryChart(dir.resolve("bench-memory.png"));
      System.out.println("\ncharts: " + dir.resolve("bench-latency.png") + ", " + dir.resolve("bench-memory.png"));
    }
  }

  /** "server (driver)": Parley runs in both protocols, the peers in Socket.IO only. */
  private static String key(JsonObject o) {
    return o.get("server").getAsString() + " (" + o.get("driver").getAsString() + ")";
  }

  private List<String> keys() {
    List<String> keys = new ArrayList<>();
    for (JsonObject o : results) {
      String k = key(o);
      if (!keys.contains(k)) {
        keys.add(k);
      }
    }
    keys.sort((a, b) -> Boolean.compare(!isParley(a), !isParley(b)));
    return keys;
  }

  private boolean isParley(String key) {
    return key.startsWith(parleyServer + " (");
  }

  /** The mean over rounds of {@code m} for {@code key}, over results that have the field. */
  private OptionalDouble mean(Metric m, String key) {
    return results.stream()
        .filter(o -> o.get("scenario").getAsString().equals(m.scenario()) && key(o).equals(key))
        .filter(has(m))
        .mapToDouble(m.value())
        .average();
  }

  /**
   * "≥ " when every sweep of {@code key} passed its highest step: the figure is then a lower bound,
   * where the sweep stopped rather than where the server failed.
   */
  private String atLeast(Metric m, String key) {
    List<JsonObject> sweeps = results.stream()
        .filter(o -> m.scenario().equals("sweep") && o.get("scenario").getAsString().equals("sweep") && key(o).equals(key))
        .toList();
    boolean bound = !sweeps.isEmpty()
        && sweeps.stream().allMatch(o -> o.has("firstFailingRate") && o.get("firstFailingRate").getAsDouble() == 0);
    return bound ? "≥ " : "";
  }

  private static Predicate<JsonObject> has(Metric m) {
    return o -> {
      try {
        m.value().applyAsDouble(o);
        return true;
      } catch (RuntimeException e) {
        return false;
      }
    };
  }

  String table() {
    List<String> keys = keys();
    List<String> peers = keys.stream().filter(k -> !isParley(k)).toList();
    StringBuilder b = new StringBuilder("| Metric | Unit |");
    keys.forEach(k -> b.append(' ').append(k).append(" |"));
    b.append(" ").append(parley).append(" / better peer | Target | Met |\n|---|---|");
    keys.forEach(k -> b.append("---:|"));
    b.append("---:|---|---|\n");
    for (Metric m : METRICS) {
      b.append("| ").append(m.title()).append(" | ").append(m.unit()).append(" |");
      for (String k : keys) {
        OptionalDouble v = mean(m, k);
        b.append(' ').append(v.isPresent() ? atLeast(m, k) + format(v.getAsDouble()) : "–").append(" |");
      }
      OptionalDouble mine = mean(m, parley);
      OptionalDouble best = peers.stream().map(p -> mean(m, p)).filter(OptionalDouble::isPresent)
          .mapToDouble(OptionalDouble::getAsDouble)
          .reduce((x, y) -> m.lowerIsBetter() ? Math.min(x, y) : Math.max(x, y));
      String ratio = "–";
      String met = "–";
      if (mine.isPresent() && best.isPresent() && best.getAsDouble() != 0) {
        double r = mine.getAsDouble() / best.getAsDouble();
        ratio = atLeast(m, parley) + String.format(Locale.ROOT, "%.2f", r);
        if (!Double.isNaN(m.targetRatio())) {
          met = (m.lowerIsBetter() ? r <= m.targetRatio() : r >= m.targetRatio()) ? "yes" : "no";
        }
      } else if (!Double.isNaN(m.targetRatio()) && mine.isPresent()) {
        met = "no peer measured";
      }
      String target = Double.isNaN(m.targetRatio()) ? "" : (m.lowerIsBetter() ? "≤ " : "≥ ")
          + String.format(Locale.ROOT, m.targetRatio() < 1 ? "%.2f" : "%.0f", m.targetRatio());
      b.append(' ').append(ratio).append(" | ").append(target).append(" | ").append(met).append(" |\n");
    }
    return b.toString();
  }

  private static String format(double v) {
    if (Math.abs(v) >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
  }

  /** p99 latency against offered deliveries per second, from every sweep step, one series per server. */
  void latencyChart(Path png) throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(520)
        .title("Fan-out latency p99 vs offered load (sweep steps, mean over rounds)")
        .xAxisTitle("offered deliveries per second").yAxisTitle("p99 latency (ms)").build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    chart.getStyler().setMarkerSize(6);
    // server -> offered load -> round -> the last attempt's p99 (a sweep repeats a step whose
    // failure the generator's own lag explains; the repeat supersedes it).
    Map<String, TreeMap<Double, Map<String, double[]>>> steps = new LinkedHashMap<>();
    for (JsonObject o : results) {
      if (o.get("scenario").getAsString().equals("sweep-step")) {
        double attempt = o.has("attempt") ? o.get("attempt").getAsDouble() : 1;
        double p99 = Math.max(0.01, o.getAsJsonObject("latencyUs").get("p99").getAsDouble() / 1000);
        steps.computeIfAbsent(key(o), k -> new TreeMap<>())
            .computeIfAbsent(o.get("offeredDeliveriesPerSec").getAsDouble(), k -> new LinkedHashMap<>())
            .merge(o.get("round").getAsString(), new double[] {attempt, p99}, (a, b) -> b[0] >= a[0] ? b : a);
      }
    }
    Map<String, TreeMap<Double, Double>> series = new LinkedHashMap<>();
    steps.forEach((k, byLoad) -> byLoad.forEach((load, byRound) -> series.computeIfAbsent(k, x -> new TreeMap<>())
        .put(load, byRound.values().stream().mapToDouble(v -> v[1]).average().orElse(0))));
    series.forEach((k, points) -> chart.addSeries(k, new ArrayList<>(points.keySet()), new ArrayList<>(points.values())));
    if (series.isEmpty()) {
      chart.addSeries("no sweep results", List.of(0.0), List.of(1.0));
    } else {
      double lo = series.values().stream().mapToDouble(TreeMap::firstKey).min().orElse(0);
      double hi = series.values().stream().mapToDouble(TreeMap::lastKey).max().orElse(1);
      XYSeries limit = chart.addSeries("p99 limit of the sweep (50 ms)", List.of(lo, hi), List.of(50.0, 50.0));
      limit.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
      limit.setLineColor(java.awt.Color.GRAY);
    }
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /** Heap and RSS per idle joined connection, one pair of bars per server. */
  void memoryChart(Path png) throws IOException {
    CategoryChart chart = new CategoryChartBuilder().width(900).height(520)
        .title("Memory per idle joined connection (mean over rounds)")
        .xAxisTitle("server").yAxisTitle("bytes per connection").build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    List<String> names = new ArrayList<>();
    List<Double> heap = new ArrayList<>();
    List<Double> rss = new ArrayList<>();
    List<Double> rssFurther = new ArrayList<>();
    for (String k : keys()) {
      OptionalDouble h = mean(METRICS.get(2), k);
      OptionalDouble r = mean(METRICS.get(3), k);
      OptionalDouble f = mean(METRICS.get(5), k);
      if (h.isPresent() || r.isPresent()) {
        names.add(k);
        heap.add(h.orElse(0));
        rss.add(r.orElse(0));
        rssFurther.add(f.orElse(0));
      }
    }
    if (names.isEmpty()) {
      names.add("no connect results");
      heap.add(0.0);
      rss.add(0.0);
      rssFurther.add(0.0);
    }
    chart.addSeries("heap after GC", names, heap);
    chart.addSeries("RSS (from zero connections)", names, rss);
    chart.addSeries("RSS per further connection", names, rssFurther);
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
