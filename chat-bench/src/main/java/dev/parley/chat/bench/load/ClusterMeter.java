package dev.parley.chat.bench.load;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a step costs each node of a cluster and the Redis under it: per node, CPU time, bytes
 * received from Redis and channels subscribed; Redis's own CPU time and its commands per room or
 * private message, less the background the nodes cause with no load (heartbeats, position checks),
 * measured in an idle window of the same connections. Without {@code --redis-port} only the nodes'
 * CPU is read. Used from the scenario's thread only.
 */
final class ClusterMeter implements AutoCloseable {
  private final Settings s;
  private final ServerProbe probe;
  private final RedisProbe redis;
  private Map<String, Double> backgroundPerSecond = Map.of();

  ClusterMeter(Settings s, ServerProbe probe) {
    this.s = s;
    this.probe = probe;
    this.redis = s.redisPort > 0 ? new RedisProbe(s.host, s.redisPort) : null;
  }

  /** One reading of every node's CPU and of Redis. */
  record Reading(long nanoTime, List<long[]> nodeCpu, RedisProbe.Snapshot redis) {}

  Reading read() {
    return new Reading(System.nanoTime(), probe.nodeCpuNanos(), redis == null ? null : redis.snapshot());
  }

  /**
   * Measures, for {@code seconds} with nothing sent, the commands Redis runs per second anyway, to
   * subtract from the next steps' counts.
   */
  void measureBackground(double seconds) {
    if (redis == null || seconds <= 0) {
      return;
    }
    Reading a = read();
    try {
      Thread.sleep((long) (seconds * 1000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    Reading b = read();
    double elapsed = (b.nanoTime() - a.nanoTime()) / 1e9;
    Map<String, Double> rates = new TreeMap<>();
    RedisProbe.callsBetween(a.redis(), b.redis()).forEach((name, n) -> rates.put(name, n / elapsed));
    backgroundPerSecond = rates;
  }

  /**
   * Adds to {@code o} what happened between {@code a} and {@code b}: {@code messages} sent, each to
   * be delivered {@code perMessage} times; {@code busyChannels} and {@code idleChannels} are the
   * room channels whose subscribers are counted.
   */
  void report(JsonObject o, Reading a, Reading b, long messages, long delivered, List<String> busyChannels,
      List<String> idleChannels) {
    double elapsed = (b.nanoTime() - a.nanoTime()) / 1e9;
    JsonArray nodes = new JsonArray();
    for (int i = 0; i < b.nodeCpu().size(); i++) {
      long pid = b.nodeCpu().get(i)[0];
      JsonObject n = new JsonObject();
      n.addProperty("node", i);
      n.addProperty("port", s.ports.get(i));
      n.addProperty("pid", pid);
      n.addProperty("cpuMs", (b.nodeCpu().get(i)[1] - a.nodeCpu().get(i)[1]) / 1e6);
      if (redis != null) {
        n.addProperty("bytesFromRedis", b.redis().bytesToPid().getOrDefault(pid, 0L) - a.redis().bytesToPid().getOrDefault(pid, 0L));
        n.addProperty("channelsSubscribed", b.redis().subscriptionsOfPid().getOrDefault(pid, 0));
      }
      nodes.add(n);
    }
    o.add("nodes", nodes);
    if (redis == null) {
      return;
    }
    double redisCpuNs = (b.redis().redisCpuMicros() - a.redis().redisCpuMicros()) * 1000.0;
    o.addProperty("redisCpuUtil", redisCpuNs / (elapsed * 1e9));
    if (delivered > 0) {
      o.addProperty("redisCpuNsPerDelivery", redisCpuNs / delivered);
    }
    if (messages > 0) {
      o.addProperty("redisCpuNsPerMessage", redisCpuNs / messages);
    }
    Map<String, Long> calls = RedisProbe.callsBetween(a.redis(), b.redis());
    JsonObject raw = new JsonObject();
    calls.forEach(raw::addProperty);
    o.add("redisCalls", raw);
    JsonObject background = new JsonObject();
    backgroundPerSecond.forEach(background::addProperty);
    o.add("redisBackgroundPerSec", background);
    if (messages > 0) {
      // Commands a script runs count in commandstats as well as the script itself: the scripts
      // (evalsha) are the requests a node makes; the rest shows what they did inside.
      JsonObject per = new JsonObject();
      double scripts = 0;
      for (Map.Entry<String, Long> e : calls.entrySet()) {
        double net = e.getValue() - backgroundPerSecond.getOrDefault(e.getKey(), 0.0) * elapsed;
        per.addProperty(e.getKey(), net / messages);
        if (e.getKey().equals("evalsha") || e.getKey().equals("eval")) {
          scripts += net;
        }
      }
      o.add("redisCallsPerMessage", per);
      o.addProperty("redisScriptsPerMessage", scripts / messages);
    }
    o.add("busyRoomSubscribers", histogram(redis.numsub(busyChannels)));
    if (!idleChannels.isEmpty()) {
      o.add("idleRoomSubscribers", histogram(redis.numsub(idleChannels)));
    }
  }

  /** How many channels have each count of subscribers: {"2": 10} is ten channels of two. */
  private static JsonObject histogram(Map<String, Long> numsub) {
    Map<Long, Integer> h = new TreeMap<>();
    numsub.values().forEach(n -> h.merge(n, 1, Integer::sum));
    JsonObject o = new JsonObject();
    h.forEach((n, count) -> o.addProperty(Long.toString(n), count));
    return o;
  }

  @Override
  public void close() {
    if (redis != null) {
      redis.close();
    }
  }
}
