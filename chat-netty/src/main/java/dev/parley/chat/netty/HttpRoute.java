package dev.parley.chat.netty;

import dev.parley.chat.internal.http.HeaderMaps;
import dev.parley.chat.internal.http.Cookies;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Answers plain HTTP requests to one path of a {@link NettyChatServer}, for the few pages an
 * application serves next to its chat (a login form, a redirect). Register it with {@link
 * NettyChatServer.Builder#httpRoute(String, HttpRoute)}.
 *
 * <p>The whole request, body included, is read before the route runs. A body declared larger than
 * {@link NettyConfig#maxFrameBytes()} (by its {@code Content-Length}) is refused with 413 before it is
 * read; a chunked one is bounded by what the server reads for any request (8 KiB, or the Socket.IO
 * {@code maxPayload} if larger). Routes run on
 * the server's worker pool, never on an I/O thread, so they may block; requests of different clients
 * run concurrently, and one connection's requests are answered one at a time, in order. A route must
 * answer within {@link NettyConfig#handshakeTimeout()} (10 s by default): the server closes a
 * connection that has been idle in its HTTP phase for that long, without an answer.
 */
@FunctionalInterface
public interface HttpRoute {
  /**
   * Answers one request.
   *
   * @param request the request
   * @return the response; {@code null} means 404
   * @throws Exception on failure, which is logged and answered with 500
   */
  Response handle(Request request) throws Exception;

  /**
   * An HTTP request.
   *
   * @param method the method, upper case, for example {@code "POST"}
   * @param path the decoded path, without the query
   * @param query the query parameters, in order
   * @param headers the headers, by lower-case name
   * @param body the body's bytes (empty if none)
   */
  record Request(String method, String path, Map<String, List<String>> query, Map<String, List<String>> headers,
      byte[] body) {
    /** Copies everything; the maps and lists are immutable. */
    public Request {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(path, "path");
      query = copy(query, false);
      headers = copy(headers, true);
      body = body == null ? new byte[0] : body.clone();
    }

    /** The body's bytes (a copy). */
    @Override
    public byte[] body() {
      return body.clone();
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** The first value of a query parameter. */
    public Optional<String> query(String name) {
      return first(query.get(name));
    }

    /** The first value of a header, whose name is matched case-insensitively. */
    public Optional<String> header(String name) {
      return first(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /** A cookie the client sent, by name. */
    public Optional<String> cookie(String name) {
      return Optional.ofNullable(Cookies.parse(headers.getOrDefault("cookie", List.of())).get(name));
    }

    /**
     * The fields of an {@code application/x-www-form-urlencoded} body (what an HTML form posts), the
     * first value of each; empty for any other content type. A field whose name or value has a
     * malformed percent-escape is left out.
     */
    public Map<String, String> form() {
      boolean isForm = header("content-type")
          .map(type -> type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded"))
          .orElse(false);
      Map<String, String> fields = new LinkedHashMap<>();
      if (!isForm) {
        return fields;
      }
      for (String pair : bodyText().split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        try {
          String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
          String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
          fields.putIfAbsent(key, value);
        } catch (IllegalArgumentException malformedEscape) {
          // Found by fuzzing: URLDecoder throws on "%" without two hex digits; a browser never
          // sends that, so the field is dropped rather than failing the route.
        }
      }
      return fields;
    }

    private static Optional<String> first(List<String> values) {
      return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }
  }

  /**
   * An HTTP response. The server adds {@code content-length}.
   *
   * @param status the status code, 100 to 599
   * @param headers the headers, by name (several values are several header lines)
   * @param body the body's bytes
   */
  record Response(int status, Map<String, List<String>> headers, byte[] body) {
    /** Checks the status and copies everything. */
    public Response {
      if (status < 100 || status > 599) {
        throw new IllegalArgumentException("Not an HTTP status: " + status);
      }
      headers = copy(headers, false);
      body = body == null ? new byte[0] : body.clone();
    }

    /** The body's bytes (a copy). */
    @Override
    public byte[] body() {
      return body.clone();
    }

    /** A UTF-8 text response with this status. */
    public static Response text(int status, String text) {
      return new Response(status, Map.of("content-type", List.of("text/plain; charset=utf-8")),
          text.getBytes(StandardCharsets.UTF_8));
    }

    /** A 200 response with an HTML page. */
    public static Response html(String page) {
      return new Response(200, Map.of("content-type", List.of("text/html; charset=utf-8")),
          page.getBytes(StandardCharsets.UTF_8));
    }

    /** A 302 redirect to {@code location}. */
    public static Response redirect(String location) {
      return new Response(302, Map.of("location", List.of(location)), new byte[0]);
    }

    /** This response with one more header line. */
    public Response withHeader(String name, String value) {
      Map<String, List<String>> more = new LinkedHashMap<>(headers);
      List<String> values = new ArrayList<>(more.getOrDefault(name, List.of()));
      values.add(Objects.requireNonNull(value, "value"));
      more.put(name, values);
      return new Response(status, more, body);
    }
  }

  private static Map<String, List<String>> copy(Map<String, List<String>> map, boolean lowerCaseKeys) {
    return HeaderMaps.copy(map, lowerCaseKeys);
  }
}
