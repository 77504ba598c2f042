package dev.parley.chat.bench.load;

import com.sun.net.httpserver.HttpServer;
import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatServer;
import dev.parley.chat.cluster.redis.RedisClusterConfig;
import dev.parley.chat.cluster.redis.RedisClusterEngine;
import dev.parley.chat.netty.NettyChatServer;
import dev.parley.chat.netty.NettyConfig;
import java.io.IOException;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * Parley as the load generator sees it: the rooms chat (ChatServer.builder() without hooks) served
 * by NettyChatServer over both protocols, plus the same {@code GET /stats} endpoint the peer servers
 * expose. Flags: {@code --port} (default 8080), {@code --stats-port} (default 8081), {@code
 * --presence true|false} (join/leave notices, default true), {@code --history N} (default 100),
 * {@code --host} (default 127.0.0.1), {@code --redis-url redis://HOST:PORT} (the cluster engine on
 * that Redis instead of the in-process one: servers started with the same Redis are one chat).
 * Prints {@code READY <port>} once both ports listen.
 */
public final class ParleyBenchServer implements AutoCloseable {
  private final ChatServer chat;
  private final NettyChatServer server;
  private final HttpServer stats;

  private ParleyBenchServer(ChatServer chat, NettyChatServer server, HttpServer stats) {
    this.chat = chat;
    this.server = server;
    this.stats = stats;
  }

  /** Starts a server; port 0 picks free ports. */
  public static ParleyBenchServer start(String host, int port, int statsPort, boolean presence, int history)
      throws IOException {
    return start(host, port, statsPort, presence, history, 0, null);
  }

  /**
   * As above, with {@code ioThreads} event loops (0: the {@link NettyConfig} default), and as a node
   * of the cluster on the Redis at {@code redisUrl} ({@code null}: the in-process engine, alone).
   */
  public static ParleyBenchServer start(String host, int port, int statsPort, boolean presence, int history,
      int ioThreads, String redisUrl) throws IOException {
    ChatConfig config = ChatConfig.builder()
        .announcePresence(presence)
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
        .build();
    NettyChatServer server = NettyChatServer.create(chat, netty);
    server.start().toCompletableFuture().join();
    HttpServer stats = HttpServer.create(new InetSocketAddress(host, statsPort), 16);
    stats.createContext("/stats", exchange -> {
      byte[] body = statsJson(chat).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    stats.start();
    return new ParleyBenchServer(chat, server, stats);
  }

  public int port() {
    return server.port();
  }

  public int statsPort() {
    return stats.getAddress().getPort();
  }

  /**
   * Heap after a full GC, RSS, connected users (one connection per user in every scenario), and
   * direct memory after that GC: the JDK's direct buffers ({@code ByteBuffer.allocateDirect},
   * which Netty also uses unless it may allocate without a cleaner), Netty's own count of the direct
   * memory it allocated without one (-1 when it does not count: then its buffers are in the JDK's
   * figure), and the direct memory Netty's default allocator holds (part of one of the two).
   */
  static String statsJson(ChatServer chat) {
    // Twice: the first collection may leave objects whose finalization or reference processing
    // frees more in the second; direct buffers are freed by their cleaners, which run after it.
    System.gc();
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long rss = ProcStats.rssBytes(ProcessHandle.current().pid());
    long jdkDirect = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).findFirst().orElse(-1);
    long allocatorDirect = ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p
        ? p.metric().usedDirectMemory() : -1;
    return "{\"heapUsedAfterGc\":" + heap + ",\"rss\":" + rss + ",\"connections\":" + chat.onlineUsers().size()
        // Netty's internal PlatformDependent, on purpose: the direct memory Netty allocates without
        // a Cleaner is counted only there (no public Netty API reports it), and a bench server is no
        // library, so a Netty upgrade that changes it only breaks this probe.
        + ",\"jdkDirectMemory\":" + jdkDirect + ",\"nettyDirectMemory\":" + PlatformDependent.usedDirectMemory()
        + ",\"allocatorDirectMemory\":" + allocatorDirect + "}";
  }

  @Override
  public void close() {
    stats.stop(0);
    server.stop().toCompletableFuture().join();
    chat.close();
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
    flags.rejectUnknown();
    ParleyBenchServer s = start(host, port, statsPort, presence, history, ioThreads, redisUrl);
    Runtime.getRuntime().addShutdownHook(new Thread(s::close));
    System.out.println("parley bench server: rooms chat, presence " + presence + ", history " + history
        + ", rate limits raised to Integer.MAX_VALUE requests/s (the defaults would throttle the load)"
        + ", stats at http://" + host + ":" + s.statsPort() + "/stats"
        + (redisUrl == null ? ", in-process engine" : ", cluster node on " + redisUrl));
    System.out.println("READY " + s.port());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
