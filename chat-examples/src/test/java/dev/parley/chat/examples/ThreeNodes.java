package dev.parley.chat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.cluster.redis.RedisProcess;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test class with a cluster of its own: a private redis-server (with an append-only file, so that
 * a test can restart it with or without its data; never the machine's shared one), a fresh
 * PostgreSQL database as the shared history store, and three example processes (separate JVMs)
 * started with {@code --redis-url} and {@code --history-url}. The nodes are shared by the class's
 * tests, which use room and user names of their own; before each test, a node that a test killed is
 * started again. Members opened through {@link #track} are closed after each test.
 */
abstract class ThreeNodes {
  /** The PostgreSQL the build uses (CI starts it); the tests create and drop a database of their own in it. */
  private static final String POSTGRES =
      System.getProperty("parley.test.postgres.admin", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
  /** Small and quick to start: three of them share the machine with the build. */
  private static final List<String> JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  static RedisProcess redis;
  static String database;
  static final ExampleProcess[] nodes = new ExampleProcess[3];
  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    redis = RedisProcess.start(true);
    database = "parley_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    admin("CREATE DATABASE " + database);
    startMissingNodes();
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (int i = 0; i < nodes.length; i++) {
      if (nodes[i] != null) {
        nodes[i].close();
        nodes[i] = null;
      }
    }
    if (redis != null) {
      redis.close();
    }
    if (database != null) {
      admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }

  @BeforeEach
  void nodesRunning() throws Exception {
    startMissingNodes();
  }

  @AfterEach
  void closeOpened() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
    opened.clear();
  }

  /** Starts (in parallel) every node that is not running. */
  static void startMissingNodes() throws Exception {
    List<CompletableFuture<Void>> starting = new ArrayList<>();
    for (int i = 0; i < nodes.length; i++) {
      if (nodes[i] == null || !nodes[i].isAlive()) {
        int n = i;
        starting.add(CompletableFuture.runAsync(() -> {
          try {
            nodes[n] = ExampleProcess.start("node" + n, JVM, "--redis-url", redis.uri(), "--history-url", historyUrl(),
                "--shared-names");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
      }
    }
    CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).join();
  }

  static String historyUrl() {
    return "jdbc:postgresql://127.0.0.1:5432/" + database + "?user=postgres";
  }

  static int port(int node) {
    return nodes[node].port();
  }

  /** Closes this after the test. */
  <T extends AutoCloseable> T track(T closeable) {
    opened.add(closeable);
    return closeable;
  }

  /** A member on a node, joined to a room, closed after the test. */
  Member member(int node, String room, String name) throws Exception {
    return track(Member.joined(port(node), room, name));
  }

  /** Runs a statement on the build's PostgreSQL as its admin (to create and drop test databases). */
  static void admin(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Fails unless every member's messages of the room have ids that increase, each id once. */
  static void assertIncreasingIds(List<Member> members, String room) throws Exception {
    for (Member m : members) {
      List<String> ids = m.messages(room).stream().map(msg -> Member.string(msg, "id")).toList();
      assertThat(ids).as("%s's message ids in %s", m, room).doesNotHaveDuplicates().isSorted();
    }
  }
}
