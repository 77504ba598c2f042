package dev.parley.chat.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Lets a JavaScript test ask its JUnit test to act (kill Redis, start it again, kill a node...) at a
 * point of its own: {@code POST /NAME} runs the action of that name and answers 200 with what it
 * returned, or 500 with the failure. On the loopback interface, one request at a time; closed by
 * {@link #close}.
 */
final class TestControl implements AutoCloseable {
  private final HttpServer server;

  TestControl(Map<String, Callable<String>> actions) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      Callable<String> action = actions.get(exchange.getRequestURI().getPath().substring(1));
      try (exchange) {
        if (action == null || !"POST".equals(exchange.getRequestMethod())) {
          answer(exchange, 404, "no such action: " + exchange.getRequestMethod() + " " + exchange.getRequestURI());
          return;
        }
        String result;
        try {
          result = action.call();
        } catch (Exception | AssertionError e) {
          StringWriter trace = new StringWriter();
          e.printStackTrace(new PrintWriter(trace));
          answer(exchange, 500, trace.toString());
          return;
        }
        answer(exchange, 200, result == null ? "" : result);
      }
    });
    server.start();
  }

  /** Where the JavaScript test sends its requests. */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
