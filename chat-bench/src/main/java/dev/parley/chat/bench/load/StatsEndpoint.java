package dev.parley.chat.bench.load;

import com.sun.net.httpserver.HttpServer;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * The {@code GET /stats} endpoint every Java bench server exposes (the peers have their own of the
 * same shape): heap after a full GC, RSS, connections, direct memory. Answers on the JDK's HTTP
 * server's own thread; {@link #close} stops it.
 */
final class StatsEndpoint implements AutoCloseable {
  private final HttpServer http;

  private StatsEndpoint(HttpServer http) {
    this.http = http;
  }

  /** Listens on {@code port} (0: a free one); {@code connections} is asked on every request. */
  static StatsEndpoint start(String host, int port, Callable<Integer> connections) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 16);
    http.createContext("/stats", exchange -> {
      int count;
      try {
        count = connections.call();
      } catch (Exception e) {
        count = -1;
      }
      byte[] body = json(count).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    http.start();
    return new StatsEndpoint(http);
  }

  int port() {
    return http.getAddress().getPort();
  }

  /**
   * Heap after a full GC, RSS, the connection count, and direct memory after that GC: the JDK's
   * direct buffers ({@code ByteBuffer.allocateDirect}, which Netty also uses unless it may allocate
   * without a cleaner), Netty's own count of the direct memory it allocated without one (-1 when it
   * does not count: then its buffers are in the JDK's figure), and the direct memory Netty's default
   * allocator holds (part of one of the two).
   */
  static String json(int connections) {
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
    return "{\"heapUsedAfterGc\":" + heap + ",\"rss\":" + rss + ",\"connections\":" + connections
        // Netty's internal PlatformDependent, on purpose: the direct memory Netty allocates without
        // a Cleaner is counted only there (no public Netty API reports it), and a bench server is no
        // library, so a Netty upgrade that changes it only breaks this probe.
        + ",\"jdkDirectMemory\":" + jdkDirect + ",\"nettyDirectMemory\":" + PlatformDependent.usedDirectMemory()
        + ",\"allocatorDirectMemory\":" + allocatorDirect + "}";
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
