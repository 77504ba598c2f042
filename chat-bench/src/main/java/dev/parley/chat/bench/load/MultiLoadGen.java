package dev.parley.chat.bench.load;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Runs one {@code connect}, {@code fanout} or {@code pm} scenario with several load generator
 * processes, so that the generator's own core (one event loop, saturating near 425,000
 * deliveries/s) and its open-file limit (each process ≤ ~19,900 connections) are no longer the
 * ceiling: {@code --processes N} plus the flags of {@link LoadGen}, and optionally {@code
 * --child-jvm "OPTIONS"}. Part {@code k} of {@code N} gets its share of the rooms (a room is never
 * split, so each part counts its own deliveries and drops), and of an open-loop rate; private
 * messages stay within a part's users.
 *
 * <p>The parts meet at barriers (a JSON line on their stdout, answered by a line on their stdin):
 * every part has joined and warmed up before any starts the measured step, and the coordinator
 * reads the server's CPU time there and when the last part reports, so CPU per delivery is the
 * server's over the whole measured window divided by every part's deliveries. For {@code connect} it
 * reads the server's CPU and memory before any part connects and while every part holds its
 * connections. Counts are summed, latency histograms merged (each part sends its HdrHistogram,
 * compressed, in Base64). Prints one JSON line per result, as {@link LoadGen} does.
 *
 * <p>Threading: the main thread drives the barriers; one reader thread per part queues its lines.
 */
public final class MultiLoadGen {
  private MultiLoadGen() {}

  /** One line of one part, or its end ({@code line} null). */
  private record Line(int part, JsonObject line) {}

  public static void main(String[] args) throws Exception {
    List<String> rest = new ArrayList<>();
    int processes = 2;
    String childJvm = "-Xms512m -Xmx2g -Dio.netty.leakDetection.level=disabled";
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--processes") && i + 1 < args.length) {
        processes = Integer.parseInt(args[++i]);
      } else if (args[i].equals("--child-jvm") && i + 1 < args.length) {
        childJvm = args[++i];
      } else {
        rest.add(args[i]);
      }
    }
    Settings s = Settings.parse(rest.toArray(String[]::new));
    List<String> childArgs = new ArrayList<>();
    for (int i = 0; i < rest.size(); i += 2) {
      // The coordinator alone reads the server; every part gets the same tag, so names never clash.
      if (!List.of("--server-pid", "--stats-port", "--tag").contains(rest.get(i))) {
        childArgs.add(rest.get(i));
        childArgs.add(rest.get(i + 1));
      }
    }
    childArgs.addAll(List.of("--tag", s.tag));
    for (JsonObject o : run(s, processes, List.of(childJvm.trim().split("\\s+")), childArgs)) {
      System.out.println(o);
    }
  }

  /** Starts the parts, drives their barriers and returns the merged results. */
  static List<JsonObject> run(Settings s, int processes, List<String> jvm, List<String> args)
      throws IOException, InterruptedException {
    ServerProbe probe = new ServerProbe(s.serverPids, s.host, s.statsPort);
    BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
    List<Process> parts = new ArrayList<>();
    for (int k = 0; k < processes; k++) {
      List<String> cmd = new ArrayList<>();
      cmd.add(ProcessHandle.current().info().command().orElse("java"));
      cmd.addAll(jvm.stream().filter(o -> !o.isEmpty()).toList());
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadGen.class.getName()));
      cmd.addAll(args);
      cmd.addAll(List.of("--part", Integer.toString(k), "--parts", Integer.toString(processes)));
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      parts.add(p);
      int part = k;
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String l; (l = r.readLine()) != null; ) {
            if (l.startsWith("{")) {
              lines.add(new Line(part, JsonParser.parseString(l).getAsJsonObject()));
            }
          }
        } catch (IOException e) {
          // the part died; its end is queued below
        }
        lines.add(new Line(part, null));
      }, "part-" + k);
      reader.setDaemon(true);
      reader.start();
    }
    List<List<JsonObject>> results = new ArrayList<>();
    for (int k = 0; k < processes; k++) {
      results.add(new ArrayList<>());
    }
    int ended = 0;
    int atBarrier = 0;
    String barrier = null;
    long cpu0 = 0;
    long t0 = 0;
    long cpuLast = 0;
    long tLast = 0;
    ServerProbe.Memory memory0 = null;
    ServerProbe.Memory memory1 = null;
    long connectCpu = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(
        (long) (s.timeoutSeconds + s.warmup + s.duration + s.drain + 120));
    while (ended < processes) {
      Line l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (l == null) {
        parts.forEach(Process::destroy);
        throw new IllegalStateException("the parts did not finish in time");
      }
      if (l.line() == null) {
        ended++;
      } else if (l.line().has("barrier")) {
        atBarrier++;
        barrier = l.line().get("barrier").getAsString();
      }
      // A part that ended early (its connections failed to join) no longer holds the others back.
      if (barrier != null && atBarrier >= processes - ended) {
        switch (barrier) {
          case "start" -> {
            memory0 = probe.memory();
            cpu0 = probe.cpuNanos();
          }
          case "hold" -> {
            connectCpu = probe.cpuNanos() - cpu0;
            memory1 = probe.memory();
          }
          default -> {
            cpu0 = probe.cpuNanos();
            t0 = System.nanoTime();
          }
        }
        for (Process p : parts) {
          try {
            OutputStream in = p.getOutputStream();
            in.write('\n');
            in.flush();
          } catch (IOException e) {
            // that part has ended; its end is or will be in the queue
          }
        }
        atBarrier = 0;
        barrier = null;
      }
      if (l.line() != null && !l.line().has("barrier")) {
        results.get(l.part()).add(l.line());
        cpuLast = probe.cpuNanos();
        tLast = System.nanoTime();
      }
    }
    for (Process p : parts) {
      p.waitFor(30, TimeUnit.SECONDS);
    }
    List<JsonObject> merged = new ArrayList<>();
    for (int i = 0; i < results.get(0).size(); i++) {
      List<JsonObject> same = new ArrayList<>();
      for (List<JsonObject> r : results) {
        if (i < r.size()) {
          same.add(r.get(i));
        }
      }
      JsonObject o = merge(same, s.p99Millis);
      o.addProperty("processes", processes);
      if (probe.hasCpu() && o.get("scenario").getAsString().equals("connect") && memory1 != null) {
        int joined = o.get("joined").getAsInt();
        o.addProperty("serverCpuUsPerConnection", joined > 0 ? connectCpu / 1000.0 / joined : 0);
        JsonArray points = new JsonArray();
        points.add(memory0.json(0));
        points.add(memory1.json(joined));
        o.add("memory", points);
        if (joined > 0 && memory0.heap() >= 0) {
          o.addProperty("heapPerConnBytes", (double) (memory1.heap() - memory0.heap()) / joined);
        }
        if (joined > 0) {
          o.addProperty("rssPerConnBytes", (double) (memory1.rss() - memory0.rss()) / joined);
        }
      } else if (probe.hasCpu() && o.has("delivered")) {
        long delivered = o.get("delivered").getAsLong();
        o.addProperty("serverCpuNsPerDelivery", delivered > 0 ? (double) (cpuLast - cpu0) / delivered : 0);
        o.addProperty("serverCpuUtil", (cpuLast - cpu0) / (double) (tLast - t0));
      }
      merged.add(o);
    }
    return merged;
  }

  /**
   * The result of the parts {@code parts} of one step as one: counts summed, latency histograms
   * merged, {@code ok} only if every part passed and the merged p99 is under {@code p99Millis}. The
   * parts' own server CPU figures are dropped (they overlap); the caller measures the whole.
   */
  static JsonObject merge(List<JsonObject> parts, double p99Millis) {
    JsonObject o = parts.get(0).deepCopy();
    o.remove("part");
    for (String sum : List.of("sent", "expected", "delivered", "drops", "deliveredPerSec", "offeredRate",
        "offeredDeliveriesPerSec", "closedBeforeStep", "closedDuringStep", "errors", "joined", "failed",
        "closedAfterJoin", "connections", "loadgenCpuUtil")) {
      if (o.has(sum)) {
        double total = 0;
        for (JsonObject p : parts) {
          total += p.get(sum).getAsDouble();
        }
        if (o.get(sum).getAsString().contains(".")) {
          o.addProperty(sum, total);
        } else {
          o.addProperty(sum, (long) total);
        }
      }
    }
    for (String max : List.of("maxSendLagUs", "elapsedS")) {
      if (o.has(max)) {
        o.addProperty(max, parts.stream().mapToDouble(p -> p.get(max).getAsDouble()).max().orElse(0));
      }
    }
    boolean ok = true;
    boolean settled = true;
    for (JsonObject p : parts) {
      ok &= !p.has("ok") || p.get("ok").getAsBoolean();
      settled &= !p.has("allSettled") || p.get("allSettled").getAsBoolean();
    }
    for (String[] h : new String[][] {{"latencyHistogram", "latencyUs"}, {"latencyFromSendHistogram", "latencyFromSendUs"},
        {"connectJoinHistogram", "connectJoinLatencyUs"}}) {
      if (o.has(h[0])) {
        Histogram all = Fleet.histogram();
        for (JsonObject p : parts) {
          all.add(decode(p.get(h[0]).getAsString()));
        }
        o.remove(h[0]);
        o.add(h[1], LoadGen.percentiles(all));
        if (h[0].equals("latencyHistogram")) {
          ok &= all.getValueAtPercentile(99) < p99Millis * 1000;
        }
      }
    }
    if (o.has("ok")) {
      o.addProperty("ok", ok);
    }
    if (o.has("allSettled")) {
      o.addProperty("allSettled", settled);
    }
    for (JsonObject p : parts) {
      if (p.has("error")) {
        o.addProperty("error", p.get("error").getAsString());
        o.addProperty("ok", false);
      }
    }
    o.remove("serverCpuNsPerDelivery");
    o.remove("serverCpuUtil");
    o.remove("serverCpuUsPerConnection");
    return o;
  }

  /** A histogram as compressed bytes in Base64, for one JSON line. */
  static String encode(Histogram h) {
    ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buf);
    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), length));
  }

  static Histogram decode(String base64) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("not a compressed histogram", e);
    }
  }
}
