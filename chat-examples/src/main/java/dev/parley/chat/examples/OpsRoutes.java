package dev.parley.chat.examples;

import dev.parley.chat.metrics.micrometer.MicrometerChatMetrics;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.monitoring.Health;
import dev.parley.chat.netty.HttpRoute;
import dev.parley.chat.netty.NettyChatServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The main example's operations endpoints, served next to the chat as {@link HttpRoute}s: {@code
 * GET /metrics}, Parley's meters in Prometheus text, and {@code GET /health}, 200 with {@code
 * {"status":"UP",...}} while {@link NettyChatServer#health()} is UP, else 503 with the same body
 * saying which part is down. Routes run on the server's worker pool, so the health check may ask
 * the database. Thread-safe.
 */
final class OpsRoutes {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MicrometerChatMetrics metrics = MicrometerChatMetrics.create(registry);
  /** Set once built; the routes are registered before. */
  private volatile NettyChatServer server;

  /** For {@code ChatServer.Builder.metrics}. */
  ChatMetrics metrics() {
    return metrics;
  }

  /** Adds {@code /metrics} and {@code /health} to a server being built. */
  NettyChatServer.Builder addTo(NettyChatServer.Builder builder) {
    return builder.httpRoute("/metrics", request -> new HttpRoute.Response(200,
            Map.of("content-type", List.of("text/plain; version=0.0.4; charset=utf-8")),
            registry.scrape().getBytes(StandardCharsets.UTF_8)))
        .httpRoute("/health", request -> {
          NettyChatServer s = server;
          Health health = s == null ? Health.down("not started") : s.health();
          return new HttpRoute.Response(health.isUp() ? 200 : 503,
              Map.of("content-type", List.of("application/json"), "cache-control", List.of("no-store")),
              json(health).getBytes(StandardCharsets.UTF_8));
        });
  }

  /** The built server, whose health {@code /health} reports. */
  void serving(NettyChatServer server) {
    this.server = server;
  }

  /** {"status":"UP","detail":"...","components":{"name":{...}}}: a detail may hold any text, so it is escaped. */
  static String json(Health health) {
    StringBuilder out = new StringBuilder("{\"status\":\"").append(health.status()).append('"');
    if (!health.detail().isEmpty()) {
      out.append(",\"detail\":");
      string(out, health.detail());
    }
    if (!health.components().isEmpty()) {
      out.append(",\"components\":{");
      boolean first = true;
      for (Map.Entry<String, Health> part : health.components().entrySet()) {
        out.append(first ? "" : ",");
        first = false;
        string(out, part.getKey());
        out.append(':').append(json(part.getValue()));
      }
      out.append('}');
    }
    return out.append('}').toString();
  }

  /** Appends {@code text} as a JSON string. */
  static void string(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }
}
