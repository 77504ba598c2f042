package dev.parley.chat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Socket.IO on a cluster when something fails, with the official socket.io-client
 * (src/test/js/cluster-failure.test.mjs), on {@link ThreeNodes}' cluster: a killed pub/sub
 * subscription, Redis down and back with its data and without it, a node killed with {@code kill -9}. The JavaScript test asks
 * for each failure, when its clients are ready, through a {@link TestControl}.
 */
class SocketIoClusterFailureIT extends ThreeNodes {
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
          long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
          for (ExampleProcess node : nodes) {
            while (node.output().stream().noneMatch(line -> line.contains("Rejoined the cluster as a new node"))) {
              assertThat(System.nanoTime()).as("every node rejoined the cluster").isLessThan(deadline);
              Thread.sleep(50); // polling the nodes' output: there is nothing to wait on
            }
          }
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
