package dev.parley.chat.netty.internal;

import dev.parley.chat.Handshake;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds the transport-neutral {@link Handshake} from what Netty saw. Every connection keeps its
 * handshake for its whole life, so it keeps no more than a hook can use: the WebSocket upgrade's
 * own headers are left out, and the names and values that most connections share (header names,
 * a site's host and origin, a browser's user agent, the path) are one string each rather than a copy
 * per connection.
 */
public final class Handshakes {
  private Handshakes() {}

  /** Headers that only carry the upgrade itself; after it they say nothing about the client. */
  private static final Set<String> UPGRADE_ONLY = Set.of(
      HttpHeaderNames.CONNECTION.toString(),
      HttpHeaderNames.UPGRADE.toString(),
      HttpHeaderNames.SEC_WEBSOCKET_KEY.toString(),
      HttpHeaderNames.SEC_WEBSOCKET_VERSION.toString(),
      HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS.toString());

  /** Header names and query keys and values that nearly every client sends, shared by all connections. */
  private static final Map<String, String> COMMON = common(
      "host", "origin", "user-agent", "cookie", "accept", "accept-encoding", "accept-language", "cache-control",
      "pragma", "referer", "authorization", "sec-websocket-protocol", "x-forwarded-for", "x-forwarded-proto",
      "x-real-ip", "content-type", "content-length", "sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest",
      "EIO", "4", "transport", "websocket", "polling", "sid", "t",
      "no-cache", "gzip, deflate, br", "gzip, deflate", "*/*");

  private static Map<String, String> common(String... strings) {
    Map<String, String> m = new HashMap<>();
    for (String s : strings) {
      m.put(s, s);
    }
    return Map.copyOf(m);
  }

  /**
   * Header values that many clients send alike (a site's host and origin, a browser's user agent
   * and languages), kept once: a user agent alone is 100 bytes and more per connection.
   */
  private static final Set<String> ALIKE = Set.of(
      "host", "origin", "user-agent", "accept", "accept-encoding", "accept-language", "cache-control", "pragma",
      "sec-websocket-protocol", "sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest", "sec-ch-ua",
      "sec-ch-ua-mobile", "sec-ch-ua-platform", "x-forwarded-proto");

  /** Bounded in count and length, so that clients sending new values every time cannot grow it. */
  private static final int MAX_SEEN = 4096;
  private static final int MAX_SEEN_LENGTH = 512;
  private static final ConcurrentHashMap<String, String> SEEN = new ConcurrentHashMap<>();

  private static String shared(String s) {
    return COMMON.getOrDefault(s, s);
  }

  private static String sharedValue(String name, String value) {
    String common = COMMON.get(value);
    if (common != null) {
      return common;
    }
    return ALIKE.contains(name) ? seen(value) : value;
  }

  /** The copy of {@code value} kept before, if any; else this one, kept while there is room. */
  private static String seen(String value) {
    if (value.length() > MAX_SEEN_LENGTH) {
      return value;
    }
    String seen = SEEN.get(value);
    if (seen != null || SEEN.size() >= MAX_SEEN) {
      return seen != null ? seen : value;
    }
    seen = SEEN.putIfAbsent(value, value);
    return seen != null ? seen : value;
  }

  public static Handshake of(SocketAddress remote, String uri, HttpHeaders headers) {
    QueryStringDecoder query = new QueryStringDecoder(uri);
    Map<String, List<String>> headerMap = new LinkedHashMap<>();
    headers.forEach(h -> {
      String name = shared(h.getKey().toLowerCase(Locale.ROOT));
      if (!UPGRADE_ONLY.contains(name)) {
        headerMap.computeIfAbsent(name, k -> new ArrayList<>(1)).add(sharedValue(name, h.getValue()));
      }
    });
    Map<String, List<String>> queryMap = new LinkedHashMap<>();
    query.parameters().forEach((k, values) -> {
      List<String> kept = new ArrayList<>(values.size());
      values.forEach(v -> kept.add(shared(v)));
      queryMap.put(shared(k), kept);
    });
    String address = remote == null ? "" : remote.toString().replaceFirst("^.*/", "");
    return new Handshake(address, seen(query.path()), queryMap, headerMap);
  }
}
