package dev.parley.chat.examples;

import dev.parley.chat.netty.NodeProject;
import dev.parley.chat.cluster.redis.RedisProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Socket.IO over a cluster, with the official socket.io-client (src/test/js/cluster.test.mjs):
 * three main-example processes (separate JVMs) with {@code --redis-url} on a private redis-server
 * that this test starts, each with its own SQLite history, so that what crosses nodes can only have
 * crossed through Redis. Room messages reach every node's sockets; a client recovers its
 * connection state on another node, also after the first was killed with kill -9 (which the
 * JavaScript test does, by the process ids it is given).
 */
class SocketIoClusterIT {
  private RedisProcess redis;
  private final List<ExampleProcess> nodes = new ArrayList<>();

  @BeforeEach
  void startCluster(@TempDir Path data) throws Exception {
    redis = RedisProcess.start(false);
    for (int i = 0; i < 3; i++) {
      Path dir = Files.createDirectories(data.resolve("node" + i));
      nodes.add(ExampleProcess.start("node" + i, "--redis-url", redis.uri(), "--data-dir", dir.toString(),
          "--shared-names"));
    }
  }

  @AfterEach
  void stopCluster() throws Exception {
    for (ExampleProcess node : nodes) {
      node.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void socketIoAcrossNodes() throws Exception {
    Path js = NodeProject.install("src/test/js", "target/examples-js", "socket.io-client");
    NodeProject.runTests(js, "cluster.test.mjs", Map.of(
        "CLUSTER_URLS", nodes.stream().map(n -> "http://127.0.0.1:" + n.port()).collect(Collectors.joining(",")),
        "CLUSTER_PIDS", nodes.stream().map(n -> Long.toString(n.pid())).collect(Collectors.joining(","))));
  }
}
