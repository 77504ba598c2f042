package dev.parley.chat.bench.load;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The soak scenario: holds {@code --connections} joined connections in rooms of {@code
 * --room-size} for {@code --warmup} plus {@code --duration} seconds under a steady mix of room
 * messages, private messages and reconnections (a connection closed on purpose and replaced by a
 * new one under a new username, so that whatever a departure leaves behind accumulates), and reads
 * the server's heap after a full GC and its direct memory every {@code --sample-every} seconds. It
 * prints one {@code soak-sample} line per reading and a {@code soak} summary whose {@code ok} says
 * whether both series were {@link Flatness flat} over the second half of the measured time and no
 * connection failed.
 *
 * <p>The connections and the counters below live on the client's event loop, like the {@link
 * Fleet}'s; the scenario's thread only reads them through {@link Fleet#onLoop}.
 */
final class Soak {
  private final Settings s;
  private final Consumer<JsonObject> out;
  private final ServerProbe probe;
  private final Function<String, JsonObject> header;
  private final SplittableRandom random = new SplittableRandom(42);

  /** Slot {@code i} holds the connection that is member {@code i} now; rooms are runs of slots. */
  private Conn[] slots;
  private final Map<Conn, Integer> slotOf = new HashMap<>();
  private int[] generation;
  private long roomMessages;
  private long privateMessages;
  private long reconnects;
  private long skipped;
  private long expectedAtSend;

  Soak(Settings s, Consumer<JsonObject> out, ServerProbe probe, Function<String, JsonObject> header) {
    this.s = s;
    this.out = out;
    this.probe = probe;
    this.header = header;
  }

  /** Runs the soak; returns whether it passed (see the class comment). */
  boolean run() {
    int n = s.connections;
    IntFunction<Driver> drivers = Driver.perConnection(s.driver);
    try (Client client = new Client(s.host, s.ports, i -> s.nodeOf(i, Integer.MAX_VALUE), s.sources(n)); Fleet fleet = new Fleet(client, drivers)) {
      IntFunction<String> rooms = i -> "s" + s.tag + "-" + i / s.roomSize;
      fleet.connect(0, n, rooms, i -> user(i, 0), s.ramp, s.maxInFlight, s.timeoutSeconds);
      if (fleet.onLoop(() -> fleet.joined) < n) {
        JsonObject o = header.apply("soak");
        o.addProperty("error", "only " + fleet.onLoop(() -> fleet.joined) + " of " + n + " connections joined");
        o.addProperty("lastError", fleet.onLoop(() -> String.valueOf(fleet.lastError)));
        o.addProperty("ok", false);
        out.accept(o);
        return false;
      }
      fleet.onLoop(() -> {
        slots = fleet.conns.toArray(Conn[]::new);
        for (int i = 0; i < n; i++) {
          slotOf.put(slots[i], i);
        }
        generation = new int[n];
        return null;
      });
      return measure(fleet);
    }
  }

  private String user(int slot, int generation) {
    return "u" + s.tag + "-" + slot + (generation == 0 ? "" : "r" + generation);
  }

  private boolean measure(Fleet fleet) {
    double events = s.rate + s.pmRate + s.churnRate;
    fleet.resetCounters();
    long start = System.nanoTime();
    long measuredFrom = start + (long) (s.warmup * 1e9);
    CompletableFuture<Void> sending = events > 0
        ? fleet.startSending(events, s.warmup + s.duration, 1, s.window, (seq, stamp) -> event(fleet, events, stamp))
        : CompletableFuture.completedFuture(null);
    List<Double> times = new ArrayList<>();
    List<Double> heap = new ArrayList<>();
    List<Double> direct = new ArrayList<>();
    long[] lastDelivered = {0};
    long lastAt = start;
    long errors = 0;
    int minOnline = Integer.MAX_VALUE;
    try {
      for (long k = 0; ; k++) {
        long due = start + (long) (k * s.sampleEvery * 1e9);
        if (due > measuredFrom + (long) (s.duration * 1e9)) {
          break;
        }
        sleepUntil(due);
        ServerProbe.Memory m = probe.memory();
        long now = System.nanoTime();
        double t = (now - measuredFrom) / 1e9;
        JsonObject o = header.apply("soak-sample");
        o.addProperty("t", Math.round(t * 10) / 10.0);
        o.addProperty("phase", t < 0 ? "warmup" : "measured");
        long interval = now - lastAt;
        long[] errorsNow = {0};
        int online = fleet.onLoop(() -> {
          o.addProperty("connections", fleet.online);
          long delivered = fleet.delivered;
          o.addProperty("deliveriesPerSec", (delivered - lastDelivered[0]) / (interval / 1e9));
          lastDelivered[0] = delivered;
          o.add("latencyUs", LoadGen.percentiles(fleet.latency));
          fleet.latency.reset();
          o.addProperty("roomMessages", roomMessages);
          o.addProperty("privateMessages", privateMessages);
          o.addProperty("reconnects", reconnects);
          errorsNow[0] = fleet.failed + fleet.errorsAfterJoin + fleet.closedAfterJoin;
          o.addProperty("errors", errorsNow[0]);
          return fleet.online;
        });
        lastAt = now;
        errors = errorsNow[0];
        JsonObject mem = m.json(online);
        mem.remove("clients");
        mem.entrySet().forEach(e -> o.add(e.getKey(), e.getValue()));
        out.accept(o);
        if (t >= 0) {
          minOnline = Math.min(minOnline, online);
          times.add(t);
          heap.add((double) m.heap());
          direct.add((double) m.direct());
        }
      }
    } finally {
      sending.cancel(false);
    }
    fleet.awaitQuiet(500, s.drain);
    return summary(fleet, times, heap, direct, errors, minOnline);
  }

  /** One event of the mix, chosen at random in proportion to the three rates. Runs on the loop. */
  private void event(Fleet fleet, double events, long stamp) {
    double x = random.nextDouble() * events;
    Conn from = anyUsable();
    if (from == null) {
      skipped++;
    } else if (x < s.rate) {
      from.send(from.driver.roomMessage(from.room, Marker.text(stamp, s.messageBytes)));
      roomMessages++;
      int first = slotOf.get(from) / s.roomSize * s.roomSize;
      for (int i = first; i < Math.min(slots.length, first + s.roomSize); i++) {
        if (slots[i] != from && usable(slots[i])) {
          expectedAtSend++;
        }
      }
    } else if (x < s.rate + s.pmRate) {
      Conn to = anyUsable();
      if (to == null || to == from) {
        skipped++;
        return;
      }
      from.send(from.driver.privateMessage(to.user, Marker.text(stamp, s.messageBytes)));
      privateMessages++;
      expectedAtSend++;
    } else {
      int slot = slotOf.remove(from);
      Conn next = fleet.reconnect(from, user(slot, ++generation[slot]));
      slots[slot] = next;
      slotOf.put(next, slot);
      reconnects++;
    }
  }

  /** A random joined connection that is not leaving, or null if a few tries found none. */
  private Conn anyUsable() {
    for (int tries = 0; tries < 8; tries++) {
      Conn c = slots[random.nextInt(slots.length)];
      if (usable(c)) {
        return c;
      }
    }
    return null;
  }

  private static boolean usable(Conn c) {
    return c.joined && !c.closed && !c.leaving;
  }

  private boolean summary(Fleet fleet, List<Double> times, List<Double> heap, List<Double> direct, long errors,
      int minOnline) {
    double[] t = times.stream().mapToDouble(Double::doubleValue).toArray();
    double floor = s.flatFloorMib * (1 << 20);
    Flatness.Verdict heapVerdict = Flatness.check(t, heap.stream().mapToDouble(Double::doubleValue).toArray(),
        s.flatPercent, floor);
    boolean hasDirect = !direct.isEmpty() && direct.stream().allMatch(d -> d >= 0);
    Flatness.Verdict directVerdict = hasDirect
        ? Flatness.check(t, direct.stream().mapToDouble(Double::doubleValue).toArray(), s.flatPercent, floor)
        : null;
    boolean hasHeap = !heap.isEmpty() && heap.stream().allMatch(h -> h >= 0);
    JsonObject o = header.apply("soak");
    o.addProperty("connections", s.connections);
    o.addProperty("roomSize", s.roomSize);
    o.addProperty("messagesPerSec", s.rate);
    o.addProperty("privateMessagesPerSec", s.pmRate);
    o.addProperty("reconnectsPerSec", s.churnRate);
    o.addProperty("warmupS", s.warmup);
    o.addProperty("durationS", s.duration);
    o.addProperty("sampleEveryS", s.sampleEvery);
    o.addProperty("flatPercentPer10Min", s.flatPercent);
    o.addProperty("flatFloorMiBPer10Min", s.flatFloorMib);
    o.addProperty("minConnections", minOnline == Integer.MAX_VALUE ? 0 : minOnline);
    fleet.onLoop(() -> {
      o.addProperty("roomMessages", roomMessages);
      o.addProperty("privateMessages", privateMessages);
      o.addProperty("reconnects", reconnects);
      o.addProperty("skippedEvents", skipped);
      o.addProperty("privateToDeparted", fleet.unknownUserAfterJoin);
      o.addProperty("expectedAtSend", expectedAtSend);
      o.addProperty("delivered", fleet.delivered);
      o.addProperty("maxSendLagUs", fleet.maxSendLagNanos / 1000);
      if (fleet.lastError != null) {
        o.addProperty("lastError", fleet.lastError);
      }
      return null;
    });
    o.addProperty("errors", errors);
    o.add("heapAfterGc", heapVerdict.json());
    if (directVerdict != null) {
      o.add("directMemory", directVerdict.json());
    }
    boolean ok = hasHeap && heapVerdict.flat() && directVerdict != null && directVerdict.flat() && errors == 0;
    if (!hasHeap || directVerdict == null) {
      o.addProperty("why", "the server reported no heap or no direct memory (give --stats-port of a server that does)");
    }
    o.addProperty("ok", ok);
    out.accept(o);
    return ok;
  }

  private static void sleepUntil(long nanoTime) {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      try {
        Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }
}
