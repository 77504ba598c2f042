package dev.parley.chat.examples;

import dev.parley.chat.netty.NodeProject;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Socket.IO on a cluster when something fails, with the official socket.io-client
 * (src/test/js/cluster-failure.test.mjs), on {@link ThreeNodes}' cluster: a killed pub/sub
 * subscription, Redis down and back with its data and without it, one room reset on one node (it missed more than the
 * room's log holds), a node frozen past the node timeout, a node killed with {@code kill -9}. The JavaScript test asks
 * for each failure, when its clients are ready, through a {@link TestControl}.
 */
class SocketIoClusterFailureIT extends ThreeNodes {
  /** What a node logs when it resets a room (RoomRegistry), and when it rejoined after an eviction (NodeLife). */
  private static final String RESET = "lost entries in the cluster";
  private static final String REJOINED = "Rejoined the cluster as a new node";

  /** Node 2's count of each when it was frozen; set and read on the control's one thread. */
  private long resets;
  private long rejoins;

  private static long count(ExampleProcess node, String text) {
    return node.output().stream().filter(line -> line.contains(text)).count();
  }

  /** Waits up to 20 s for a node to log something. */
  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(50); // polling the nodes' output: there is nothing to wait on
    }
  }

  @Test
  void socketIoClientsWhenSomethingFails() throws Exception {
    Map<String, Callable<String>> actions = Map.of(
        "redis/kill-pubsub", () -> {
          String reply = redis.command("CLIENT", "KILL", "TYPE", "pubsub");
          assertThat(reply.trim()).as("killed the nodes' subscriptions").isEqualTo(":" + nodes.length);
          return reply.trim();
        },
        "redis/kill", () -> {
          redis.kill();
          return "killed";
        },
        "redis/start", () -> {
          redis.startAgain();
          return "started";
        },
        "redis/restart-empty", () -> {
          redis.kill();
          redis.forgetData();
          redis.startAgain();
          return "started without its data";
        },
        "nodes/rejoined", () -> {
          await(() -> Stream.of(nodes).allMatch(node -> count(node, REJOINED) > 0), "every node rejoined the cluster");
          return "rejoined";
        },
        "node/2/freeze", () -> {
          resets = count(nodes[2], RESET);
          rejoins = count(nodes[2], REJOINED);
          nodes[2].freeze();
          return "frozen";
        },
        "node/2/thaw", () -> {
          nodes[2].thaw();
          return "running";
        },
        "node/2/room-reset", () -> {
          await(() -> count(nodes[2], RESET) > resets, "node 2 reset the room");
          assertThat(count(nodes[2], REJOINED)).as("a reset alone: node 2 was not evicted").isEqualTo(rejoins);
          return "reset";
        },
        "node/2/evicted", () -> {
          await(() -> count(nodes[2], REJOINED) > rejoins, "node 2 rejoined the cluster as a new node");
          return "rejoined";
        },
        "node/2/kill", () -> {
          nodes[2].close();
          return "killed";
        });
    Path js = NodeProject.install("src/test/js", "target/examples-js", "socket.io-client");
    try (TestControl control = new TestControl(actions)) {
      NodeProject.runTests(js, "cluster-failure.test.mjs", Map.of(
          "CLUSTER_URLS", Stream.of(nodes).map(n -> "http://127.0.0.1:" + n.port()).collect(Collectors.joining(",")),
          "CONTROL_URL", control.url()));
    }
  }
}
