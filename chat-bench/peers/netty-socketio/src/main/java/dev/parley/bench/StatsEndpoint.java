package dev.parley.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntSupplier;

/**
 * {@code GET /stats}: heap used after a full GC, resident set size and connected clients, which the
 * load generator divides by the connection count. On its own port so it never competes with the
 * chat server's event loops.
 */
final class StatsEndpoint {
  private StatsEndpoint() {}

  static HttpServer start(String host, int port, IntSupplier connections) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
    http.createContext("/stats", exchange -> {
      byte[] body = String.format("{\"heapUsedAfterGc\":%d,\"rss\":%d,\"connections\":%d}",
          heapUsedAfterGc(), rss(), connections.getAsInt()).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    http.start();
    return http;
  }

  /** Twice: objects with finalizers or reference queues are only reclaimed by a later collection. */
  private static long heapUsedAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** VmRSS from /proc, in bytes; -1 where there is no /proc. */
  private static long rss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // fall through: no RSS on this system
    }
    return -1;
  }
}
