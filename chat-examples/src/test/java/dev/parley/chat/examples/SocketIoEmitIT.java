package dev.parley.chat.examples;

import dev.parley.chat.netty.NodeProject;
import dev.parley.chat.cluster.redis.RedisProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Broadcasts from server code over Socket.IO across nodes, with the official socket.io-client
 * (src/test/js/cluster-emit.test.mjs): three {@link ShoutServer} processes (separate JVMs) on a
 * private redis-server, whose {@code namespace.emit}, {@code to(room)}, {@code except(room)} and
 * {@code socket.broadcast()} must reach the matching sockets of every node, binary attachments
 * included, and no others; and {@code to(room)} on the chat namespace, where a chat room is a
 * Socket.IO room, must reach that room's chat members on every node, over WebSocket and over
 * long-polling, and not the sockets outside it or that left it; and {@code socketsJoin}, {@code
 * socketsLeave} and {@code disconnectSockets} of a room's sockets must act on every node; and {@code
 * fetchSockets} must find a room's sockets on every node (ids, rooms, data, handshake) and reach one
 * of another node, and a broadcast with acknowledgements must collect every node's, or give those
 * that came when one is missing.
 */
class SocketIoEmitIT {
  private static final List<String> JVM = List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private RedisProcess redis;
  private final List<ExampleProcess> nodes = new ArrayList<>();

  @BeforeEach
  void startCluster() throws Exception {
    redis = RedisProcess.start(false);
    List<CompletableFuture<ExampleProcess>> starting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String name = "shout" + i;
      starting.add(CompletableFuture.supplyAsync(() -> {
        try {
          return ExampleProcess.startMain(name, ShoutServer.class, JVM, "--redis-url", redis.uri());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
    for (CompletableFuture<ExampleProcess> node : starting) {
      if (!node.isCompletedExceptionally()) {
        nodes.add(node.join()); // so that stopCluster stops it if another failed to start
      }
    }
    for (CompletableFuture<ExampleProcess> node : starting) {
      node.join();
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
  void serverBroadcastsReachTheMatchingSocketsOfEveryNode() throws Exception {
    Path js = NodeProject.install("src/test/js", "target/examples-js", "socket.io-client");
    NodeProject.runTests(js, "cluster-emit.test.mjs", Map.of(
        "CLUSTER_URLS", nodes.stream().map(n -> "http://127.0.0.1:" + n.port()).collect(Collectors.joining(","))));
  }
}
