package dev.parley.chat.bench.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Everything a run is told on the command line. */
final class Settings {
  String scenario = "fanout";
  String driver = "json";
  String server = "server";
  String round = "1";
  /** Names what a result measures when one run has several of a scenario (issue16.sh's table). */
  String label = "";
  /** This process's share of the load (0 .. parts-1) when a {@link MultiLoadGen} runs several. */
  int part = 0;
  int parts = 1;
  String host = "127.0.0.1";
  /** The servers (nodes) to connect to: several only for a cluster, whose nodes are one chat. */
  List<Integer> ports = List.of(8080);
  /** The servers' processes, in the order of {@link #ports} (empty: no CPU figures). */
  List<Long> serverPids = List.of();
  int statsPort = -1;
  int sourceAddresses = -1;
  String tag = Long.toString(System.nanoTime() % 1_000_000, 36);
  // connect
  int connections = 1000;
  double ramp = 2000;
  int maxInFlight = 256;
  int checkpoints = 1;
  double hold = 0;
  // fanout, pm, sweep
  int rooms = 10;
  int roomSize = 100;
  int senders = 1;
  int users = 1000;
  /** Private messages go from the first this many members of each room (0: from every user). */
  int pmSenders = 0;
  double rate = 100;
  int window = 20;
  double duration = 10;
  double drain = 5;
  double warmup = 3;
  int messageBytes = 64;
  // sweep
  double startRate = 50;
  double factor = 2;
  int maxSteps = 8;
  int refine = 2;
  double p99Millis = 50;
  long timeoutSeconds = 120;
  // soak
  double pmRate = 0;
  double churnRate = 0;
  double sampleEvery = 15;
  double flatPercent = 1;
  double flatFloorMib = 1;
  // cluster
  int memberNodes = -1;
  int idleRooms = 0;
  String pmPairs = "any";
  int redisPort = -1;
  String redisPrefix = "parley:";
  double idleWindow = 0;

  static Settings parse(String... args) {
    Flags f = Flags.parse(args);
    Settings s = new Settings();
    s.scenario = f.string("scenario", s.scenario);
    s.driver = f.string("driver", s.driver);
    s.server = f.string("server", s.server);
    s.round = f.string("round", s.round);
    s.label = f.string("label", s.label);
    s.part = f.integer("part", s.part);
    s.parts = f.integer("parts", s.parts);
    s.host = f.string("host", s.host);
    s.ports = Arrays.stream(f.string("port", "8080").split(",")).map(p -> Integer.parseInt(p.trim())).toList();
    String pids = f.string("server-pid", null);
    s.serverPids = pids == null ? List.of() : Arrays.stream(pids.split(",")).map(p -> Long.parseLong(p.trim())).toList();
    s.statsPort = f.integer("stats-port", s.statsPort);
    s.sourceAddresses = f.integer("source-addresses", s.sourceAddresses);
    s.tag = f.string("tag", s.tag);
    s.connections = f.integer("connections", s.connections);
    s.ramp = f.decimal("ramp", s.ramp);
    s.maxInFlight = f.integer("max-in-flight", s.maxInFlight);
    s.checkpoints = f.integer("checkpoints", s.checkpoints);
    s.hold = f.decimal("hold", s.hold);
    s.rooms = f.integer("rooms", s.rooms);
    s.roomSize = f.integer("room-size", s.roomSize);
    s.senders = f.integer("senders", s.senders);
    s.users = f.integer("users", s.users);
    s.pmSenders = f.integer("pm-senders", s.pmSenders);
    s.rate = f.decimal("rate", s.rate);
    s.window = f.integer("window", s.window);
    boolean soak = s.scenario.equals("soak");
    // A soak's defaults are a short run of its own; the documented run gives its length.
    s.duration = f.decimal("duration", soak ? 300 : s.duration);
    s.drain = f.decimal("drain", s.drain);
    s.warmup = f.decimal("warmup", soak ? 60 : s.warmup);
    s.messageBytes = f.integer("message-bytes", s.messageBytes);
    s.startRate = f.decimal("start-rate", s.startRate);
    s.factor = f.decimal("factor", s.factor);
    s.maxSteps = f.integer("max-steps", s.maxSteps);
    s.refine = f.integer("refine", s.refine);
    s.p99Millis = f.decimal("p99-ms", s.p99Millis);
    s.timeoutSeconds = f.longValue("timeout", s.timeoutSeconds);
    s.pmRate = f.decimal("pm-rate", s.pmRate);
    s.churnRate = f.decimal("churn-rate", s.churnRate);
    s.sampleEvery = f.decimal("sample-every", s.sampleEvery);
    s.flatPercent = f.decimal("flat-percent", s.flatPercent);
    s.flatFloorMib = f.decimal("flat-floor-mib", s.flatFloorMib);
    s.memberNodes = f.integer("member-nodes", s.ports.size());
    s.idleRooms = f.integer("idle-rooms", s.idleRooms);
    s.pmPairs = f.string("pm-pairs", s.pmPairs);
    s.redisPort = f.integer("redis-port", s.redisPort);
    s.redisPrefix = f.string("redis-prefix", s.redisPrefix);
    s.idleWindow = f.decimal("idle-window", s.idleWindow);
    if (s.memberNodes < 1 || s.memberNodes > s.ports.size()
        || (s.idleRooms > 0 && s.memberNodes == s.ports.size())) {
      throw new IllegalArgumentException("--member-nodes must be 1.." + s.ports.size()
          + ", and fewer than the nodes when --idle-rooms leaves a node to the idle rooms");
    }
    if (!List.of("any", "same-node", "cross-node").contains(s.pmPairs)
        || (s.pmPairs.equals("cross-node") && s.memberNodes < 2)) {
      throw new IllegalArgumentException("--pm-pairs is any, same-node or cross-node (which needs two nodes)");
    }
    if (s.parts < 1 || s.part < 0 || s.part >= s.parts
        || (s.parts > 1 && !List.of("connect", "fanout", "pm").contains(s.scenario))) {
      throw new IllegalArgumentException("--part must be 0.." + (s.parts - 1) + "; only connect, fanout and pm run in parts");
    }
    f.rejectUnknown();
    return s;
  }

  /**
   * This process's share {@code [from, to)} of {@code total} connections, cut at multiples of {@code
   * unit} (a room) so that no room spans two processes: every delivery then goes to the process that
   * expects it, and each counts its own drops.
   */
  int[] slice(int total, int unit) {
    int units = (total + unit - 1) / unit;
    int from = (int) ((long) units * part / parts) * unit;
    int to = Math.min(total, (int) ((long) units * (part + 1) / parts) * unit);
    return new int[] {from, to};
  }

  /** This process's share of an open-loop {@code rate} for {@code share} of {@code total} connections. */
  double rateShare(double rate, int share, int total) {
    return parts == 1 ? rate : rate * share / total;
  }

  /** Local addresses to connect from: 127.0.0.2 upwards, more once one port range may not do. */
  List<String> sources(int total) {
    int n = sourceAddresses >= 0 ? sourceAddresses : total > 10_000 ? 1 + total / 15_000 : 0;
    List<String> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add("127.0.0." + (2 + i));
    }
    return list;
  }

  /**
   * Which node connection number {@code i} goes to, when the first {@code members} connections are
   * the load's (the rooms' members, or the private messages' users) and any after them hold the
   * idle rooms: members round robin over the first {@link #memberNodes} nodes, so that the first
   * members of a room (its senders) are on different nodes; idle rooms on the nodes after those, so
   * that those nodes have members only in rooms that carry no message.
   */
  int nodeOf(int i, int members) {
    if (i < members) {
      return i % memberNodes;
    }
    return memberNodes + (i - members) / roomSize % (ports.size() - memberNodes);
  }
}
