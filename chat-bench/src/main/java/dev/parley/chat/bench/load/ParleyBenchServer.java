package dev.parley.chat.bench.load;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatServer;
import dev.parley.chat.cluster.redis.RedisClusterConfig;
import dev.parley.chat.cluster.redis.RedisClusterEngine;
import dev.parley.chat.netty.NettyChatServer;
import dev.parley.chat.netty.NettyConfig;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * Parley as the load generator sees it: the rooms chat (ChatServer.builder() without hooks) served
 * by NettyChatServer over both protocols, plus the same {@code GET /stats} endpoint the peer servers
 * expose. Flags: {@code --port} (default 8080), {@code --stats-port} (default 8081), {@code
 * --presence true|false} (join/leave notices, default true), {@code --history N} (default 100),
 * {@code --host} (default 127.0.0.1), {@code --redis-url redis://HOST:PORT} (the cluster engine on
 * that Redis instead of the in-process one: servers started with the same Redis are one chat),
 * {@code --delivery-receipts true|false} ({@code ChatConfig.deliveryReceipts}, default true: the
 * sender of each private message is sent a {@code delivered} receipt, which the peers do not send),
 * {@code --warm-up N} ({@code NettyConfig.warmUpConnections}, default 0: none).
 * {@code --jfr FILE} records a JDK Flight Recording with the {@code profile} settings from start to
 * exit (written at shutdown, when the server is stopped with SIGTERM or SIGINT; see
 * docs/benchmarks.md#profiling). Prints {@code READY <port>} once both ports listen.
 */
public final class ParleyBenchServer implements AutoCloseable {
  private final ChatServer chat;
  private final NettyChatServer server;
  private final StatsEndpoint stats;

  private ParleyBenchServer(ChatServer chat, NettyChatServer server, StatsEndpoint stats) {
    this.chat = chat;
    this.server = server;
    this.stats = stats;
  }

  /** Starts a server; port 0 picks free ports. */
  public static ParleyBenchServer start(String host, int port, int statsPort, boolean presence, int history)
      throws IOException {
    return start(host, port, statsPort, presence, history, 0, null, true, 0);
  }

  /**
   * As above, with {@code ioThreads} event loops (0: the {@link NettyConfig} default), and as a node
   * of the cluster on the Redis at {@code redisUrl} ({@code null}: the in-process engine, alone),
   * sending private messages' senders {@code delivered} receipts or not, after {@code warmUp}
   * connections of its own.
   */
  public static ParleyBenchServer start(String host, int port, int statsPort, boolean presence, int history,
      int ioThreads, String redisUrl, boolean deliveryReceipts, int warmUp) throws IOException {
    ChatConfig config = ChatConfig.builder()
        .announcePresence(presence)
        .deliveryReceipts(deliveryReceipts)
        .historySize(history)
        // The load generator sends from few connections far above a person's rate; the default
        // limits (20/s, bursts of 40) would refuse most of it and the test would measure refusals.
        .requestsPerSecond(Integer.MAX_VALUE)
        .requestBurst(Integer.MAX_VALUE)
        .build();
    ChatServer.Builder builder = ChatServer.builder().config(config);
    if (redisUrl != null) {
      builder.cluster(RedisClusterEngine.create(RedisClusterConfig.builder(redisUrl).build()));
    }
    ChatServer chat = builder.build();
    // The generator opens up to 19,800 connections from one to four loopback addresses at up to
    // 3,000 a second, past the default connection caps (which hold a process well below its
    // open-file limit and one address to 1,000); the peers measured beside Parley have no such caps.
    NettyConfig netty = NettyConfig.builder().host(host).port(port).ioThreads(ioThreads)
        .maxConnections(19_850)
        .maxConnectionsPerAddress(19_850)
        .maxPendingHandshakes(19_850)
        .maxPendingHandshakesPerAddress(19_850)
        .acceptsPerSecond(100_000)
        .acceptBurst(100_000)
        .warmUpConnections(warmUp)
        .build();
    NettyChatServer server = NettyChatServer.create(chat, netty);
    server.start().toCompletableFuture().join();
    StatsEndpoint stats = StatsEndpoint.start(host, statsPort, () -> chat.onlineUsers().size());
    return new ParleyBenchServer(chat, server, stats);
  }

  public int port() {
    return server.port();
  }

  public int statsPort() {
    return stats.port();
  }

  @Override
  public void close() {
    stats.close();
    server.stop().toCompletableFuture().join();
    chat.close();
  }

  /**
   * A flight recording with the JDK's {@code profile} settings (method samples every 10 ms,
   * allocation samples, GC and JIT events) from now until the JVM exits, when it is written to
   * {@code file}: the same as {@code -XX:StartFlightRecording=settings=profile,filename=FILE}.
   */
  private static void startRecording(java.nio.file.Path file) throws Exception {
    jdk.jfr.Recording recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
    recording.setName("parley-bench");
    recording.setDestination(file);
    recording.setDumpOnExit(true);
    recording.start();
    System.out.println("recording JFR to " + file + " (written when the server exits)");
  }

  public static void main(String[] args) throws Exception {
    Flags flags = Flags.parse(args);
    String host = flags.string("host", "127.0.0.1");
    int port = flags.integer("port", 8080);
    int statsPort = flags.integer("stats-port", 8081);
    boolean presence = flags.bool("presence", true);
    int history = flags.integer("history", 100);
    int ioThreads = flags.integer("io-threads", 0);
    String redisUrl = flags.string("redis-url", null);
    String jfr = flags.string("jfr", null);
    boolean deliveryReceipts = flags.bool("delivery-receipts", true);
    int warmUp = flags.integer("warm-up", 0);
    flags.rejectUnknown();
    if (jfr != null) {
      startRecording(java.nio.file.Path.of(jfr));
    }
    ParleyBenchServer s = start(host, port, statsPort, presence, history, ioThreads, redisUrl, deliveryReceipts, warmUp);
    Runtime.getRuntime().addShutdownHook(new Thread(s::close));
    System.out.println("parley bench server: rooms chat, presence " + presence + ", history " + history
        + ", delivery receipts " + deliveryReceipts + ", warm-up " + warmUp + " connections"
        + ", rate limits raised to Integer.MAX_VALUE requests/s (the defaults would throttle the load)"
        + ", stats at http://" + host + ":" + s.statsPort() + "/stats"
        + (redisUrl == null ? ", in-process engine" : ", cluster node on " + redisUrl));
    System.out.println("READY " + s.port());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
