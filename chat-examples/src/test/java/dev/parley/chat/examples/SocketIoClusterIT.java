package dev.parley.chat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.cluster.redis.RedisProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
      nodes.add(ExampleProcess.start("node" + i, "--redis-url", redis.uri(), "--data-dir", dir.toString()));
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
    ProcessBuilder run = new ProcessBuilder("node", "--test", "--test-reporter=spec", "cluster.test.mjs")
        .directory(js.toFile())
        .redirectErrorStream(true);
    run.environment().put("CLUSTER_URLS",
        nodes.stream().map(n -> "http://127.0.0.1:" + n.port()).collect(Collectors.joining(",")));
    run.environment().put("CLUSTER_PIDS",
        nodes.stream().map(n -> Long.toString(n.pid())).collect(Collectors.joining(",")));
    Process node = run.start();
    node.getOutputStream().close();
    String output;
    try (var in = node.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    boolean done = node.waitFor(5, TimeUnit.MINUTES);
    System.out.println(output);
    assertThat(done).as("node finished").isTrue();
    assertThat(node.exitValue()).as("node --test exit code; output above").isZero();
    assertThat(output).as("tests ran and none failed").containsPattern("ℹ pass [2-9]").contains("ℹ fail 0");
  }
}
