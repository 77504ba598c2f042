package dev.parley.chat.bench.load;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Load generator for chat servers that speak Parley's JSON protocol or the Socket.IO chat events.
 * Every scenario is bounded in connections and time, talks to one server over loopback and prints
 * one JSON line per result on stdout (a sweep prints one per step and a summary). See
 * chat-bench/README.md for the flags.
 */
public final class LoadGen {
  private final Settings s;
  private final Consumer<JsonObject> out;
  private final ServerProbe probe;
  private ClusterMeter meter;
  private final long selfPid = ProcessHandle.current().pid();

  LoadGen(Settings s, Consumer<JsonObject> out) {
    this.s = s;
    this.out = out;
    this.probe = new ServerProbe(s.serverPids, s.host, s.statsPort);
  }

  /** Runs one scenario; exits with status 1 when a soak did not pass. */
  public static void main(String[] args) {
    Settings s = Settings.parse(args);
    boolean ok = new LoadGen(s, line -> {
      System.out.println(line);
      System.out.flush();
    }).run();
    if (!ok) {
      System.exit(1);
    }
  }

  /** Runs the scenario; false only for a soak whose memory was not flat or whose connections failed. */
  boolean run() {
    try (ClusterMeter m = new ClusterMeter(s, probe)) {
      meter = m;
      return runScenario();
    }
  }

  private boolean runScenario() {
    switch (s.scenario) {
      case "connect" -> connect();
      case "fanout" -> fanout(false);
      case "sweep" -> fanout(true);
      case "pm" -> pm();
      case "soak" -> {
        return new Soak(s, out, probe, this::header).run();
      }
      default -> throw new IllegalArgumentException("unknown scenario " + s.scenario + " (connect, fanout, sweep, pm, soak)");
    }
    return true;
  }

  private JsonObject header(String scenario) {
    JsonObject o = new JsonObject();
    o.addProperty("scenario", scenario);
    o.addProperty("server", s.server);
    o.addProperty("driver", s.driver);
    o.addProperty("round", s.round);
    if (!s.label.isEmpty()) {
      o.addProperty("label", s.label);
    }
    if (s.parts > 1) {
      o.addProperty("part", s.part);
      o.addProperty("parts", s.parts);
    }
    o.addProperty("time", java.time.Instant.now().toString());
    return o;
  }

  // --- connect ---

  private void connect() {
    Driver driver = Driver.of(s.driver);
    int[] slice = s.slice(s.connections, s.roomSize);
    int n = slice[1] - slice[0];
    int base0 = slice[0];
    barrier("start");
    List<String> sources = s.sources(n);
    JsonObject o = header("connect");
    o.addProperty("connections", n);
    o.addProperty("roomSize", s.roomSize);
    o.addProperty("rampPerSec", s.ramp);
    o.addProperty("sourceAddresses", sources.size());
    List<ServerProbe.Memory> points = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    ServerProbe.Memory base = probe.memory();
    points.add(base);
    counts.add(0);
    long t0 = System.nanoTime();
    long serverCpu = 0;
    try (Client client = new Client(s.host, s.ports, i -> s.nodeOf(i, n), sources); Fleet fleet = new Fleet(client, driver)) {
      o.addProperty("epoll", client.epoll);
      int stages = Math.max(1, s.checkpoints);
      boolean allSettled = true;
      for (int k = 1; k <= stages; k++) {
        int from = (int) ((long) n * (k - 1) / stages);
        int to = (int) ((long) n * k / stages);
        long cpu0 = probe.cpuNanos();
        allSettled &= fleet.connect(from, to, i -> "c" + s.tag + "-" + (base0 + i) / s.roomSize,
            i -> "u" + s.tag + "-" + (base0 + i), s.rateShare(s.ramp, n, s.connections), s.maxInFlight, s.timeoutSeconds);
        // Only while connecting: the memory reading's forced GC is no set-up cost.
        serverCpu += probe.cpuNanos() - cpu0;
        int joined = fleet.onLoop(() -> fleet.joined);
        points.add(probe.memory());
        counts.add(joined);
      }
      o.addProperty("elapsedS", (System.nanoTime() - t0) / 1e9);
      long setupCpu = serverCpu;
      fleet.onLoop(() -> {
        o.addProperty("joined", fleet.joined);
        o.addProperty("failed", fleet.failed);
        o.addProperty("closedAfterJoin", fleet.closedAfterJoin);
        if (fleet.lastError != null) {
          o.addProperty("lastError", fleet.lastError);
        }
        o.add("connectJoinLatencyUs", percentiles(fleet.joinLatency));
        if (s.parts > 1) {
          o.addProperty("connectJoinHistogram", MultiLoadGen.encode(fleet.joinLatency));
        }
        if (probe.hasCpu() && fleet.joined > 0) {
          o.addProperty("serverCpuUsPerConnection", setupCpu / 1000.0 / fleet.joined);
        }
        return null;
      });
      o.addProperty("allSettled", allSettled);
      if (s.parts > 1) {
        // The coordinator reads the server's memory and CPU while every part holds its connections.
        out.accept(o);
        barrier("hold");
        return;
      }
      if (s.hold > 0) {
        // Keeps the connections for a heap histogram or a profiler; announced on stderr so that
        // stdout stays one JSON line.
        System.err.println("holding " + n + " connections for " + s.hold + " s");
        try {
          Thread.sleep((long) (s.hold * 1000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    JsonArray pts = new JsonArray();
    for (int i = 0; i < points.size(); i++) {
      pts.add(points.get(i).json(counts.get(i)));
    }
    o.add("memory", pts);
    ServerProbe.Memory last = points.get(points.size() - 1);
    int reached = counts.get(counts.size() - 1);
    if (reached > 0) {
      if (base.heap() >= 0) {
        o.addProperty("heapPerConnBytes", (double) (last.heap() - base.heap()) / reached);
        o.addProperty("heapSlopeBytes", slope(counts, points, true));
      }
      if (base.rss() >= 0) {
        o.addProperty("rssPerConnBytes", (double) (last.rss() - base.rss()) / reached);
        o.addProperty("rssSlopeBytes", slope(counts, points, false));
        if (points.size() >= 3) {
          // From the last checkpoint at the cost of each connection past the first: the one-time
          // costs of the first connections (a young generation touched once) do not recur.
          ServerProbe.Memory first = points.get(1);
          double further = (double) (last.rss() - first.rss()) / (reached - counts.get(1));
          o.addProperty("rssFurtherPerConnBytes", further);
          o.addProperty("projectedRssAt100kBytes", last.rss() + (100_000 - reached) * further);
        } else {
          o.addProperty("projectedRssAt100kBytes", base.rss() + 100_000 * slope(counts, points, false));
        }
      }
    }
    out.accept(o);
  }

  /** Least-squares slope of heap (or RSS) over connection count, bytes per connection. */
  private static double slope(List<Integer> xs, List<ServerProbe.Memory> ys, boolean heap) {
    int n = xs.size();
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += xs.get(i);
      my += heap ? ys.get(i).heap() : ys.get(i).rss();
    }
    mx /= n;
    my /= n;
    double num = 0;
    double den = 0;
    for (int i = 0; i < n; i++) {
      double dx = xs.get(i) - mx;
      num += dx * ((heap ? ys.get(i).heap() : ys.get(i).rss()) - my);
      den += dx * dx;
    }
    return den == 0 ? 0 : num / den;
  }

  // --- fanout and sweep ---

  private void fanout(boolean sweep) {
    Driver driver = Driver.of(s.driver);
    int[] slice = s.slice(s.rooms * s.roomSize, s.roomSize);
    int members = slice[1] - slice[0];
    int base0 = slice[0];
    int n = members + s.idleRooms * s.roomSize;
    double rate = s.rateShare(s.rate, members, s.rooms * s.roomSize);
    try (Client client = new Client(s.host, s.ports, i -> s.nodeOf(i, members), s.sources(n));
        Fleet fleet = new Fleet(client, driver)) {
      if (!joinAll(fleet, n, i -> i < members ? busyRoom((base0 + i) / s.roomSize) : idleRoom((i - members) / s.roomSize),
          i -> "u" + s.tag + "-" + (base0 + i))) {
        return;
      }
      List<Conn> senders = new ArrayList<>();
      for (Conn c : fleet.joinedConns()) {
        if (c.index < members && c.index % s.roomSize < s.senders) {
          senders.add(c);
        }
      }
      int perMessage = s.roomSize - 1;
      Fleet.Sender sender = (seq, stamp) -> {
        Conn c = senders.get((int) (seq % senders.size()));
        c.send(driver.roomMessage(c.room, Marker.text(stamp, s.messageBytes)));
      };
      warmUp(fleet, sweep ? s.startRate : rate, perMessage, sender);
      meter.measureBackground(s.idleWindow);
      if (!sweep) {
        barrier("measure");
        out.accept(step(fleet, "fanout", rate, perMessage, sender));
        return;
      }
      double best = 0;
      double failedAt = 0;
      rate = s.startRate;
      for (int i = 0; i < s.maxSteps; i++) {
        JsonObject r = sweepStep(fleet, rate, perMessage, sender);
        if (!r.get("ok").getAsBoolean()) {
          failedAt = rate;
          break;
        }
        best = rate;
        rate *= s.factor;
      }
      for (int i = 0; i < s.refine && failedAt > 0 && best > 0; i++) {
        fleet.awaitQuiet(1000, 15);
        if (fleet.onLoop(() -> fleet.closedAfterJoin) > 0) {
          break; // members are gone: a further step would expect deliveries nobody can receive
        }
        double mid = Math.sqrt(best * failedAt);
        JsonObject r = sweepStep(fleet, mid, perMessage, sender);
        if (r.get("ok").getAsBoolean()) {
          best = mid;
        } else {
          failedAt = mid;
        }
      }
      JsonObject o = header("sweep");
      fanoutShape(o);
      o.addProperty("p99LimitMs", s.p99Millis);
      o.addProperty("maxSustainableRate", best);
      o.addProperty("maxSustainableDeliveriesPerSec", best * perMessage);
      o.addProperty("firstFailingRate", failedAt);
      out.accept(o);
    }
  }

  /**
   * One sweep step, run again (up to twice) when it failed on latency alone, without drops or lost
   * connections: one stall of the server's or the generator's core (a GC, another process) fails a
   * p99 over a few seconds, while a server past its capacity fails every attempt. Every attempt is
   * printed; the last one counts.
   */
  private JsonObject sweepStep(Fleet fleet, double rate, int perMessage, Fleet.Sender sender) {
    JsonObject r = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      if (attempt > 0) {
        fleet.awaitQuiet(1000, 15);
      }
      r = step(fleet, "sweep-step", rate, perMessage, sender);
      r.addProperty("attempt", attempt + 1);
      out.accept(r);
      if (r.get("ok").getAsBoolean() || r.get("drops").getAsLong() > 0 || r.get("closedDuringStep").getAsInt() > 0) {
        break;
      }
    }
    return r;
  }

  private String busyRoom(int r) {
    return "f" + s.tag + "-" + r;
  }

  /** A room that gets no message, on the nodes after {@code --member-nodes}. */
  private String idleRoom(int r) {
    return "q" + s.tag + "-" + r;
  }

  /** The cluster's channels of the rooms that carry the load, and of the idle ones. */
  private List<List<String>> roomChannels(boolean pm) {
    List<String> busy = new ArrayList<>();
    List<String> idle = new ArrayList<>();
    if (!pm) {
      for (int r = 0; r < s.rooms; r++) {
        busy.add(s.redisPrefix + "room:" + busyRoom(r));
      }
      for (int r = 0; r < s.idleRooms; r++) {
        idle.add(s.redisPrefix + "room:" + idleRoom(r));
      }
    }
    return List.of(busy, idle);
  }

  private void fanoutShape(JsonObject o) {
    o.addProperty("rooms", s.rooms);
    o.addProperty("roomSize", s.roomSize);
    o.addProperty("senders", s.senders);
    o.addProperty("messageBytes", s.messageBytes);
    o.addProperty("nodeCount", s.ports.size());
    o.addProperty("memberNodes", s.memberNodes);
    o.addProperty("idleRooms", s.idleRooms);
  }

  private boolean joinAll(Fleet fleet, int n, java.util.function.IntFunction<String> rooms,
      java.util.function.IntFunction<String> users) {
    fleet.connect(0, n, rooms, users, s.ramp, s.maxInFlight, s.timeoutSeconds);
    int joined = fleet.onLoop(() -> fleet.joined);
    if (joined < n) {
      JsonObject o = header(s.scenario);
      o.addProperty("error", "only " + joined + " of " + n + " connections joined");
      o.addProperty("lastError", fleet.onLoop(() -> String.valueOf(fleet.lastError)));
      o.addProperty("ok", false);
      out.accept(o);
      return false;
    }
    return true;
  }

  /**
   * Sends at {@code rate} for the warm-up time and waits for the deliveries, measuring nothing: the
   * servers' JIT compilers (the JVM's and V8's) get the same head start before any number counts.
   */
  private void warmUp(Fleet fleet, double rate, int perMessage, Fleet.Sender sender) {
    if (s.warmup <= 0) {
      return;
    }
    fleet.resetCounters();
    fleet.send(rate, s.warmup, perMessage, s.window, sender);
    fleet.awaitDeliveries(fleet.onLoop(() -> fleet.sent) * perMessage, s.drain);
    fleet.awaitQuiet(200, 5);
  }

  /** One measured window at one offered rate (messages per second; 0 is as fast as possible). */
  private JsonObject step(Fleet fleet, String scenario, double rate, int perMessage, Fleet.Sender sender) {
    fleet.resetCounters();
    int closedBefore = fleet.onLoop(() -> fleet.closedAfterJoin);
    ClusterMeter.Reading r0 = meter.read();
    long cpu0 = probe.cpuNanos();
    long self0 = ProcStats.cpuNanos(selfPid);
    long t0 = System.nanoTime();
    fleet.send(rate, s.duration, perMessage, s.window, sender);
    long sent = fleet.onLoop(() -> fleet.sent);
    long expected = sent * perMessage;
    boolean complete = fleet.awaitDeliveries(expected, s.drain);
    long t1 = System.nanoTime();
    long cpu1 = probe.cpuNanos();
    long self1 = ProcStats.cpuNanos(selfPid);
    ClusterMeter.Reading r1 = meter.read();
    JsonObject o = header(scenario);
    if (!scenario.equals("pm")) {
      fanoutShape(o);
    } else {
      o.addProperty("users", s.users);
      o.addProperty("nodeCount", s.ports.size());
      o.addProperty("pmPairs", s.pmPairs);
    }
    o.addProperty("offeredRate", rate);
    o.addProperty("offeredDeliveriesPerSec", rate * perMessage);
    o.addProperty("durationS", s.duration);
    fleet.onLoop(() -> {
      long delivered = fleet.delivered;
      double active = ((fleet.lastDeliveryNanos > 0 ? fleet.lastDeliveryNanos : t1) - fleet.firstSendNanos) / 1e9;
      o.addProperty("sent", sent);
      o.addProperty("expected", expected);
      o.addProperty("delivered", delivered);
      o.addProperty("drops", Math.max(0, expected - delivered));
      o.addProperty("deliveredPerSec", active > 0 ? delivered / active : 0);
      o.add("latencyUs", percentiles(fleet.latency));
      o.addProperty("latencyFrom", rate > 0
          ? "intended send time of the open-loop schedule (corrected for coordinated omission)"
          : "actual send time (closed loop, window " + s.window + ")");
      // From when the generator actually sent: without its own lag, so on a busy machine the gap
      // between the two shows how much of the latency is the generator's.
      o.add("latencyFromSendUs", percentiles(fleet.latencyFromSend));
      if (s.parts > 1) {
        o.addProperty("latencyHistogram", MultiLoadGen.encode(fleet.latency));
        o.addProperty("latencyFromSendHistogram", MultiLoadGen.encode(fleet.latencyFromSend));
      }
      o.addProperty("maxSendLagUs", fleet.maxSendLagNanos / 1000);
      // Members the server closed before the step (in a warm-up, or as the joins settled) still
      // count in what it expects: their rooms' messages show up as drops, and this says why.
      o.addProperty("closedBeforeStep", closedBefore);
      o.addProperty("closedDuringStep", fleet.closedAfterJoin - closedBefore);
      o.addProperty("errors", fleet.errorsAfterJoin);
      if (probe.hasCpu() && delivered > 0) {
        o.addProperty("serverCpuNsPerDelivery", (double) (cpu1 - cpu0) / delivered);
      }
      if (probe.hasCpu()) {
        o.addProperty("serverCpuUtil", (cpu1 - cpu0) / (double) (t1 - t0));
      }
      o.addProperty("loadgenCpuUtil", (self1 - self0) / (double) (t1 - t0));
      boolean ok = complete && delivered >= expected && fleet.latency.getValueAtPercentile(99) < s.p99Millis * 1000
          && fleet.closedAfterJoin == closedBefore;
      o.addProperty("ok", ok);
      return null;
    });
    List<List<String>> channels = roomChannels(scenario.equals("pm"));
    meter.report(o, r0, r1, sent, o.get("delivered").getAsLong(), channels.get(0), channels.get(1));
    return o;
  }

  // --- private messages ---

  private void pm() {
    Driver driver = Driver.of(s.driver);
    int[] slice = s.slice(s.users, s.roomSize);
    int n = slice[1] - slice[0];
    int base0 = slice[0];
    try (Client client = new Client(s.host, s.ports, i -> s.nodeOf(i, n), s.sources(n));
        Fleet fleet = new Fleet(client, driver)) {
      if (!joinAll(fleet, n, i -> "p" + s.tag + "-" + (base0 + i) / s.roomSize, i -> "u" + s.tag + "-" + (base0 + i))) {
        return;
      }
      // Targets are any user of this process's share, so that each part counts its own deliveries.
      List<Conn> all = fleet.joinedConns();
      List<Conn> from = s.pmSenders <= 0 ? all : all.stream().filter(c -> c.index % s.roomSize < s.pmSenders).toList();
      // For --pm-pairs: the users on each node, and those on any other node.
      List<List<Conn>> onNode = new ArrayList<>();
      List<List<Conn>> offNode = new ArrayList<>();
      for (int node = 0; node < s.ports.size(); node++) {
        int k = node;
        onNode.add(all.stream().filter(c -> s.nodeOf(c.index, n) == k).toList());
        offNode.add(all.stream().filter(c -> s.nodeOf(c.index, n) != k).toList());
      }
      SplittableRandom random = new SplittableRandom(42);
      Fleet.Sender sender = (seq, stamp) -> {
        Conn sending = from.get(random.nextInt(from.size()));
        int node = s.nodeOf(sending.index, n);
        List<Conn> to = switch (s.pmPairs) {
          case "same-node" -> onNode.get(node);
          case "cross-node" -> offNode.get(node);
          default -> all;
        };
        Conn target = to.get(random.nextInt(to.size()));
        if (target == sending) {
          target = to.get((to.indexOf(sending) + 1) % to.size());
        }
        sending.send(driver.privateMessage(target.user, Marker.text(stamp, s.messageBytes)));
      };
      double rate = s.rateShare(s.rate, n, s.users);
      warmUp(fleet, rate, 1, sender);
      meter.measureBackground(s.idleWindow);
      barrier("measure");
      out.accept(step(fleet, "pm", rate, 1, sender));
    }
  }

  /**
   * In a part of a {@link MultiLoadGen} run: says {@code name} on stdout and waits for the
   * coordinator's line on stdin, so that every part starts the next phase together and the
   * coordinator can read the server around it. Alone, returns at once.
   */
  private void barrier(String name) {
    if (s.parts == 1) {
      return;
    }
    JsonObject o = new JsonObject();
    o.addProperty("barrier", name);
    out.accept(o);
    try {
      if (stdin.readLine() == null) {
        throw new IllegalStateException("the coordinator went away at barrier " + name);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private final java.io.BufferedReader stdin =
      new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));

  static JsonObject percentiles(Histogram h) {
    JsonObject o = new JsonObject();
    o.addProperty("count", h.getTotalCount());
    o.addProperty("p50", h.getValueAtPercentile(50));
    o.addProperty("p99", h.getValueAtPercentile(99));
    o.addProperty("p999", h.getValueAtPercentile(99.9));
    o.addProperty("max", h.getMaxValue());
    return o;
  }
}
