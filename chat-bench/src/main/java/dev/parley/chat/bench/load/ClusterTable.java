package dev.parley.chat.bench.load;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * The cluster run's tables for docs/benchmarks.md (chat-bench/cluster.sh), from its result lines:
 * servers labelled {@code inprocess-1} (one node, the in-process engine), {@code redis-1} (one node
 * on Redis) and {@code redis-3} (three nodes on Redis).
 */
final class ClusterTable {
  private ClusterTable() {}

  /** Whether {@code results} hold a run that read Redis's counters. */
  static boolean present(List<JsonObject> results) {
    return results.stream().anyMatch(o -> o.has("redisCalls"));
  }

  static String of(List<JsonObject> results) {
    StringBuilder b = new StringBuilder();
    single(b, results, "fanout", "delivery", "serverCpuNsPerDelivery", "redisCpuNsPerDelivery");
    single(b, results, "pm", "private message", "serverCpuNsPerDelivery", "redisCpuNsPerMessage");
    calls(b, results);
    isolation(b, results);
    sweep(b, results);
    pm(b, results);
    return b.toString();
  }

  private static List<JsonObject> select(List<JsonObject> results, String scenario, String server) {
    return results.stream().filter(o -> o.get("scenario").getAsString().equals(scenario)
        && o.get("server").getAsString().equals(server) && o.has("sent")).toList();
  }

  private static double mean(List<JsonObject> rows, ToDoubleFunction<JsonObject> f) {
    return rows.stream().mapToDouble(f).average().orElse(Double.NaN);
  }

  private static double p(JsonObject o, String field, String percentile) {
    return o.getAsJsonObject(field).get(percentile).getAsDouble() / 1000;
  }

  private static double allCommands(JsonObject o) {
    return o.getAsJsonObject("redisCallsPerMessage").entrySet().stream().mapToDouble(e -> e.getValue().getAsDouble()).sum();
  }

  /** One node, in-process against Redis, per round and the mean: CPU per unit and latency. */
  private static void single(StringBuilder b, List<JsonObject> results, String scenario, String unit, String cpu,
      String redisCpu) {
    List<JsonObject> in = select(results, scenario, "inprocess-1");
    List<JsonObject> redis = select(results, scenario, "redis-1");
    if (in.isEmpty() || redis.isEmpty()) {
      return;
    }
    b.append(String.format(Locale.ROOT, "One node, %s: in-process engine against the Redis engine%n%n", scenario));
    b.append("| Round | Node CPU per " + unit + ", in-process (µs) | Node CPU per " + unit + ", Redis engine (µs) | Ratio"
        + " | Redis's own CPU per " + unit + " (µs) | Node + Redis, over in-process | p99 in-process (ms) | p99 Redis engine (ms) |\n"
        + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int i = 0; i < Math.min(in.size(), redis.size()); i++) {
      row(b, in.get(i).get("round").getAsString(), List.of(in.get(i)), List.of(redis.get(i)), cpu, redisCpu);
    }
    row(b, "mean", in, redis, cpu, redisCpu);
    b.append('\n');
  }

  private static void row(StringBuilder b, String label, List<JsonObject> in, List<JsonObject> redis, String cpu,
      String redisCpu) {
    double a = mean(in, o -> o.get(cpu).getAsDouble()) / 1000;
    double r = mean(redis, o -> o.get(cpu).getAsDouble()) / 1000;
    double rc = mean(redis, o -> o.get(redisCpu).getAsDouble()) / 1000;
    b.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%n", label, a, r, r / a, rc,
        (r + rc) / a, mean(in, o -> p(o, "latencyUs", "p99")), mean(redis, o -> p(o, "latencyUs", "p99"))));
  }

  private static List<JsonObject> callRuns(List<JsonObject> results) {
    return select(results, "fanout", "redis-3").stream().filter(o -> o.get("idleRooms").getAsInt() > 0).toList();
  }

  private static void calls(StringBuilder b, List<JsonObject> results) {
    List<JsonObject> runs = callRuns(results);
    if (runs.isEmpty()) {
      return;
    }
    b.append("Three nodes: Redis commands per room message, less the background of an idle window\n\n"
        + "| Room size | Rooms | Deliveries per message | Scripts (EVALSHA) per message | Commands per message, those inside"
        + " the script included | Redis CPU per message (µs) | Subscribers of each busy room's channel | Of each idle room's |\n"
        + "|---:|---:|---:|---:|---:|---:|---|---|\n");
    for (JsonObject o : runs) {
      b.append(String.format(Locale.ROOT, "| %d | %d | %d | %.3f | %.2f | %.1f | %s | %s |%n", o.get("roomSize").getAsInt(),
          o.get("rooms").getAsInt(), o.get("roomSize").getAsInt() - 1, o.get("redisScriptsPerMessage").getAsDouble(),
          allCommands(o), o.get("redisCpuNsPerMessage").getAsDouble() / 1000, counts(o.getAsJsonObject("busyRoomSubscribers")),
          counts(o.getAsJsonObject("idleRoomSubscribers"))));
    }
    b.append('\n');
  }

  /** {"2": 10} as "2 (10 channels)". */
  private static String counts(JsonObject h) {
    StringBuilder s = new StringBuilder();
    for (Map.Entry<String, JsonElement> e : h.entrySet()) {
      s.append(s.length() > 0 ? ", " : "").append(e.getKey()).append(" (").append(e.getValue().getAsInt()).append(" channels)");
    }
    return s.toString();
  }

  private static void isolation(StringBuilder b, List<JsonObject> results) {
    List<JsonObject> runs = callRuns(results);
    if (runs.isEmpty()) {
      return;
    }
    b.append("Three nodes: what each node received from Redis while the busy rooms (members on nodes 1 and 2) carried"
        + " the load; node 3 has members only in the idle rooms\n\n"
        + "| Room size | Messages | Node 1: bytes from Redis per message, channels, CPU (ms) | Node 2 | Node 3 |\n"
        + "|---:|---:|---|---|---|\n");
    for (JsonObject o : runs) {
      long sent = o.get("sent").getAsLong();
      b.append(String.format(Locale.ROOT, "| %d | %,d |", o.get("roomSize").getAsInt(), sent));
      for (JsonElement e : o.getAsJsonArray("nodes")) {
        JsonObject n = e.getAsJsonObject();
        b.append(String.format(Locale.ROOT, " %.1f B, %d channels, %.0f ms |", n.get("bytesFromRedis").getAsDouble() / sent,
            n.get("channelsSubscribed").getAsInt(), n.get("cpuMs").getAsDouble()));
      }
      b.append('\n');
    }
    b.append('\n');
  }

  private static void sweep(StringBuilder b, List<JsonObject> results) {
    Predicate<JsonObject> step = o -> o.get("scenario").getAsString().equals("sweep-step");
    List<JsonObject> steps = results.stream().filter(step).toList();
    if (steps.isEmpty()) {
      return;
    }
    b.append("Fan-out sweep (rooms of ").append(steps.get(0).get("roomSize").getAsInt())
        .append(", senders on every node; a step fails on a drop or p99 ≥ 50 ms)\n\n"
            + "| Servers | Offered deliveries/s | Delivered/s | p50 (ms) | p99 (ms) | Drops | Nodes' CPU per delivery (µs)"
            + " | Redis CPU (share of a core) | Passed |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (JsonObject o : steps) {
      b.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %.2f | %.2f | %d | %.2f | %.2f | %s |%n",
          o.get("server").getAsString(), o.get("offeredDeliveriesPerSec").getAsDouble(), o.get("deliveredPerSec").getAsDouble(),
          p(o, "latencyUs", "p50"), p(o, "latencyUs", "p99"), o.get("drops").getAsLong(),
          o.get("serverCpuNsPerDelivery").getAsDouble() / 1000, o.get("redisCpuUtil").getAsDouble(),
          o.get("ok").getAsBoolean() ? "yes" : "no"));
    }
    b.append('\n');
    results.stream().filter(o -> o.get("scenario").getAsString().equals("sweep")).forEach(o -> b.append(String.format(
        Locale.ROOT, "- %s: sustainable %,.0f deliveries/s (first failing offered rate %,.0f messages/s)%n",
        o.get("server").getAsString(), o.get("maxSustainableDeliveriesPerSec").getAsDouble(),
        o.get("firstFailingRate").getAsDouble())));
    b.append('\n');
  }

  private static void pm(StringBuilder b, List<JsonObject> results) {
    List<JsonObject> all = select(results, "pm", "redis-3");
    if (all.isEmpty()) {
      return;
    }
    b.append("Three nodes: private messages between users on the same node and on different nodes (mean over rounds)\n\n"
        + "| Pairs | Runs | p50 (ms) | p99 (ms) | Scripts per message | Commands per message, inside scripts included"
        + " | Nodes' CPU per message (µs) | Redis CPU per message (µs) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String pairs : List.of("same-node", "cross-node")) {
      List<JsonObject> runs = all.stream().filter(o -> o.get("pmPairs").getAsString().equals(pairs)).toList();
      if (runs.isEmpty()) {
        continue;
      }
      b.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.3f | %.2f | %.1f | %.1f |%n", pairs, runs.size(),
          mean(runs, o -> p(o, "latencyUs", "p50")), mean(runs, o -> p(o, "latencyUs", "p99")),
          mean(runs, o -> o.get("redisScriptsPerMessage").getAsDouble()), mean(runs, ClusterTable::allCommands),
          mean(runs, o -> o.get("serverCpuNsPerDelivery").getAsDouble()) / 1000,
          mean(runs, o -> o.get("redisCpuNsPerMessage").getAsDouble()) / 1000));
    }
    b.append('\n');
  }
}
