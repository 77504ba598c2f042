package dev.parley.chat;

import dev.parley.chat.internal.http.Cookies;
import dev.parley.chat.internal.http.HeaderMaps;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a client presented when it connected: its address, the request path, query parameters,
 * headers (cookies among them), and the auth payload of protocols that have one. The one handshake
 * of both protocols: the chat server's {@link ConnectHook} and a Socket.IO namespace's connect hooks
 * receive it. Header names are matched case-insensitively.
 *
 * <p>Threading and lifecycle: immutable, safe to share between threads and to keep after the
 * connection closed (values nested in {@code auth} are immutable copies too).
 *
 * @param remoteAddress the client's address as {@code host:port}, as the transport saw it; behind a
 *     reverse proxy the transport trusts, the client's address as the proxy reported it (the Netty
 *     transport: an IP address without a port)
 * @param path the request path without the query, for example {@code /chat}
 * @param query query parameters, each with all of its values in order
 * @param headers request headers, names in lower case, each with all of its values in order
 * @param auth the client's auth payload (a Socket.IO client's {@code auth} option) as JSON-compatible
 *     values; empty for protocols without one, such as the JSON protocol
 */
public record Handshake(
    String remoteAddress,
    String path,
    Map<String, List<String>> query,
    Map<String, List<String>> headers,
    Map<String, Object> auth) {

  /** Takes immutable copies and lower-cases header names. */
  public Handshake {
    remoteAddress = remoteAddress == null ? "" : remoteAddress;
    path = path == null ? "" : path;
    query = query == null ? Map.of() : copy(query, false);
    headers = headers == null ? Map.of() : copy(headers, true);
    auth = auth == null ? Map.of() : JsonValues.immutableObject(auth);
  }

  /** A handshake without an auth payload. */
  public Handshake(
      String remoteAddress, String path, Map<String, List<String>> query, Map<String, List<String>> headers) {
    this(remoteAddress, path, query, headers, Map.of());
  }

  /** This handshake with an auth payload. */
  public Handshake withAuth(Map<String, ?> payload) {
    if ((payload == null || payload.isEmpty()) && auth.isEmpty()) {
      return this; // nothing changes; every connection keeps its handshake, so no copy
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> a = (Map<String, Object>) payload;
    return new Handshake(remoteAddress, path, query, headers, a);
  }

  /** A handshake with no address, path, query or headers, for tests and in-process clients. */
  public static Handshake empty() {
    return new Handshake("", "", Map.of(), Map.of());
  }

  /** Returns the first value of a query parameter, if present. */
  public Optional<String> query(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** Returns the first value of a header, if present; the name is matched case-insensitively. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /**
   * The cookies the client sent in its {@code Cookie} header, by name, in order; of two with one
   * name the first, as browsers send the most specific first. Unmodifiable; parsed at each call.
   */
  public Map<String, String> cookies() {
    return java.util.Collections.unmodifiableMap(Cookies.parse(headers.getOrDefault("cookie", List.of())));
  }

  /** Returns one cookie's value, if the client sent it. */
  public Optional<String> cookie(String name) {
    return Optional.ofNullable(Cookies.parse(headers.getOrDefault("cookie", List.of())).get(name));
  }

  private static Map<String, List<String>> copy(Map<String, List<String>> in, boolean lowerCaseKeys) {
    if (madeHere(in, lowerCaseKeys)) {
      // withAuth, and transports that pass one handshake's maps on, share them instead of holding a
      // second copy per connection.
      return in;
    }
    return Map.copyOf(HeaderMaps.copy(in, lowerCaseKeys));
  }

  /** Whether a map is already what {@link #copy} makes: immutable, with immutable values and keys as normalised. */
  private static boolean madeHere(Map<String, List<String>> in, boolean lowerCaseKeys) {
    // copyOf returns its argument exactly when that is already an immutable collection.
    if (Map.copyOf(in) != in) {
      return false;
    }
    for (Map.Entry<String, List<String>> e : in.entrySet()) {
      if (List.copyOf(e.getValue()) != e.getValue()
          || (lowerCaseKeys && !e.getKey().equals(e.getKey().toLowerCase(Locale.ROOT)))) {
        return false;
      }
    }
    return true;
  }
}
