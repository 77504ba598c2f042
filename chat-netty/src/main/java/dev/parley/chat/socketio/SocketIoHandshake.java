package dev.parley.chat.socketio;

import dev.parley.chat.netty.internal.Cookies;
import dev.parley.chat.Handshake;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a Socket.IO client presented: the HTTP handshake of its first request (address, path, query,
 * headers) and the auth payload it sent with the namespace connect.
 *
 * <p>Fixed when the client connected to the namespace, and safe to share and to keep after the
 * client left: the auth map is an unmodifiable copy (values nested in it are the decoded JSON, not
 * copied again, and must not be changed).
 *
 * @param http the HTTP handshake
 * @param auth the client's {@code auth} object; empty if it sent none
 */
public record SocketIoHandshake(Handshake http, Map<String, Object> auth) {
  /** Takes an immutable copy of the auth payload. */
  public SocketIoHandshake {
    auth = auth == null || auth.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(auth));
  }

  /** The first value of a query parameter. */
  public Optional<String> query(String name) {
    return http.queryParam(name);
  }

  /** The first value of a header, matched case-insensitively. */
  public Optional<String> header(String name) {
    return http.header(name);
  }

  /** The cookies the client sent, by name. */
  public Map<String, String> cookies() {
    return Cookies.parse(http.headers().getOrDefault("cookie", java.util.List.of()));
  }

  /** One cookie's value. */
  public Optional<String> cookie(String name) {
    return Optional.ofNullable(cookies().get(name));
  }
}
