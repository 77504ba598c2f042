package dev.parley.chat.bench.load;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * What the load generator learns about the server process: CPU time and RSS from /proc (given its
 * pid), heap after GC from its {@code GET /stats} endpoint (given its stats port). Either may be
 * absent; the results then leave those fields out. For a cluster, CPU time is that of every node
 * together; memory is the first node's.
 */
final class ServerProbe {
  private final long pid;
  private final List<Long> pids;
  private final String statsUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ServerProbe(List<Long> pids, String host, int statsPort) {
    this.pids = List.copyOf(pids);
    this.pid = pids.isEmpty() ? -1 : pids.get(0);
    this.statsUrl = statsPort > 0 ? "http://" + host + ":" + statsPort + "/stats" : null;
  }

  boolean hasCpu() {
    return pid > 0;
  }

  /** CPU time of every server process together. */
  long cpuNanos() {
    long sum = 0;
    for (long[] node : nodeCpuNanos()) {
      sum += node[1];
    }
    return sum;
  }

  /** Each server process's pid and CPU time, in the order the servers were given. */
  List<long[]> nodeCpuNanos() {
    return pids.stream().map(p -> new long[] {p, ProcStats.cpuNanos(p)}).toList();
  }

  /**
   * {@code heapUsedAfterGc} (-1 without a stats port), {@code rss} and {@code connections}, and the
   * direct memory figures of a server that reports them (-1 otherwise).
   */
  Memory memory() {
    long heap = -1;
    long rss = -1;
    long connections = -1;
    long jdkDirect = -1;
    long nettyDirect = -1;
    long allocatorDirect = -1;
    if (statsUrl != null) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(statsUrl))
            .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
        heap = o.get("heapUsedAfterGc").getAsLong();
        rss = o.get("rss").getAsLong();
        connections = o.get("connections").getAsLong();
        jdkDirect = o.has("jdkDirectMemory") ? o.get("jdkDirectMemory").getAsLong() : -1;
        nettyDirect = o.has("nettyDirectMemory") ? o.get("nettyDirectMemory").getAsLong() : -1;
        allocatorDirect = o.has("allocatorDirectMemory") ? o.get("allocatorDirectMemory").getAsLong() : -1;
      } catch (IOException e) {
        throw new IllegalStateException("stats endpoint " + statsUrl + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    // /proc after the stats call, so that what the forced GC released is already reflected.
    if (pid > 0) {
      rss = ProcStats.rssBytes(pid);
    }
    return new Memory(heap, rss, connections, jdkDirect, nettyDirect, allocatorDirect);
  }

  /** One reading; -1 for what the server does not report. */
  record Memory(long heap, long rss, long connections, long jdkDirect, long nettyDirect, long allocatorDirect) {
    /**
     * All direct memory after the GC: the JDK's direct buffers plus what Netty allocated without a
     * cleaner, which the JDK does not count (-1 when the server reports neither).
     */
    long direct() {
      return jdkDirect < 0 ? -1 : jdkDirect + Math.max(0, nettyDirect);
    }

    JsonObject json(long clients) {
      JsonObject o = new JsonObject();
      o.addProperty("clients", clients);
      o.addProperty("heapUsedAfterGc", heap);
      o.addProperty("rss", rss);
      o.addProperty("serverConnections", connections);
      if (jdkDirect >= 0) {
        o.addProperty("directMemory", direct());
        o.addProperty("jdkDirectMemory", jdkDirect);
        o.addProperty("nettyDirectMemory", nettyDirect);
        o.addProperty("allocatorDirectMemory", allocatorDirect);
      }
      return o;
    }
  }
}
