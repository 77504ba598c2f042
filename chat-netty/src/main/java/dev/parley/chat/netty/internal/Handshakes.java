package dev.parley.chat.netty.internal;

import dev.parley.chat.Handshake;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
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
 * per connection. A query or header map made only of such shared values (a Socket.IO client's
 * {@code EIO=4&transport=websocket}, say) is itself shared by every handshake equal to it.
 */
final class Handshakes {
  private Handshakes() {}

  /** Headers that only carry the upgrade itself; after it they say nothing about the client. */
  private static final Set<String> UPGRADE_ONLY = Set.of(
      HttpHeaderNames.CONNECTION.toString(),
      HttpHeaderNames.UPGRADE.toString(),
      HttpHeaderNames.SEC_WEBSOCKET_KEY.toString(),
      HttpHeaderNames.SEC_WEBSOCKET_VERSION.toString(),
      HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS.toString());

  /** Header names, and query keys and values, that nearly every client sends. */
  private static final Set<String> COMMON = Set.of(
      "host", "origin", "user-agent", "cookie", "accept", "accept-encoding", "accept-language", "cache-control",
      "pragma", "referer", "authorization", "sec-websocket-protocol", "x-forwarded-for", "x-forwarded-proto",
      "x-real-ip", "content-type", "content-length", "sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest",
      "EIO", "4", "transport", "websocket", "polling", "sid", "t",
      "no-cache", "gzip, deflate, br", "gzip, deflate", "*/*",
      // The content-length the HTTP aggregator gives a WebSocket upgrade, which has no body.
      "0");

  /**
   * Header values that many clients send alike (a site's host and origin, a browser's user agent
   * and languages), kept once: a user agent alone is 100 bytes and more per connection.
   */
  private static final Set<String> ALIKE = Set.of(
      "host", "origin", "user-agent", "accept", "accept-encoding", "accept-language", "cache-control", "pragma",
      "sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest", "sec-ch-ua",
      "sec-ch-ua-mobile", "sec-ch-ua-platform", "x-forwarded-proto");

  /**
   * Each kept string as a one-element list, the form a handshake holds a value in, so connections
   * share the list as well as the string. The common strings are in it from the start; others join
   * it, bounded in count (it starts again when full) and in length, against clients that send new
   * values every time. Values that may be secrets (cookies, authorization, subprotocols that carry
   * tokens) are never kept here.
   */
  private static final ConcurrentHashMap<String, List<String>> SEEN = new ConcurrentHashMap<>();
  private static final int MAX_SEEN = 4096;
  private static final int MAX_SEEN_LENGTH = 512;

  static {
    COMMON.forEach(s -> SEEN.put(s, List.of(s)));
  }

  /**
   * Query and header maps whose every value is a kept one (so none of them is a secret), each kept
   * once; bounded as {@link #SEEN} is.
   */
  private static final ConcurrentHashMap<Map<String, List<String>>, Map<String, List<String>>> SEEN_MAPS =
      new ConcurrentHashMap<>();
  private static final int MAX_SEEN_MAPS = 1024;

  /**
   * The map as an immutable one: the one kept before if equal; kept now if each of its values is a
   * kept list.
   */
  private static Map<String, List<String>> seenMap(Map<String, List<String>> map) {
    Map<String, List<String>> copy = Map.copyOf(map);
    Map<String, List<String>> seen = SEEN_MAPS.get(copy);
    if (seen != null) {
      return seen;
    }
    // The values of the map given, not of the copy: that would keep its values view for good.
    for (List<String> values : map.values()) {
      if (values.isEmpty() || SEEN.get(values.get(0)) != values) {
        return copy;
      }
    }
    if (SEEN_MAPS.size() >= MAX_SEEN_MAPS) {
      SEEN_MAPS.clear();
    }
    seen = SEEN_MAPS.putIfAbsent(copy, copy);
    return seen != null ? seen : copy;
  }

  /** {@code value} as a one-element list: the one kept before, if any; else a new one, now kept. */
  private static List<String> seen(String value) {
    List<String> seen = SEEN.get(value);
    if (seen != null) {
      return seen;
    }
    List<String> fresh = List.of(value);
    if (value.length() > MAX_SEEN_LENGTH) {
      return fresh;
    }
    if (SEEN.size() >= MAX_SEEN) {
      // Full, say of a flood of made-up origins: start again, so that the values real clients
      // share come back in. Handshakes keep the lists they already have.
      SEEN.clear();
      COMMON.forEach(c -> SEEN.put(c, List.of(c)));
    }
    seen = SEEN.putIfAbsent(value, fresh);
    return seen != null ? seen : fresh;
  }

  /** A common string's one shared instance, else {@code s}. */
  private static String common(String s) {
    List<String> kept = COMMON.contains(s) ? SEEN.get(s) : null;
    return kept != null ? kept.get(0) : s;
  }

  private static List<String> value(String headerName, String value) {
    return ALIKE.contains(headerName) || COMMON.contains(value) ? seen(value) : List.of(value);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }

  /**
   * Whether a request URI's path and query parameters decode: Netty's decoder throws on a malformed
   * percent-escape. BodyLimit refuses such a request first, so {@link #of} never sees one.
   */
  public static boolean uriDecodes(String uri) {
    if (uri.indexOf('%') < 0) {
      // Nothing to unescape, nothing to throw on: most handshakes' URIs, which would otherwise have
      // their query decoded here only to be decoded again by of.
      return true;
    }
    try {
      QueryStringDecoder decoder = new QueryStringDecoder(uri);
      decoder.path();
      decoder.parameters();
      return true;
    } catch (IllegalArgumentException malformed) {
      return false;
    }
  }

  /**
   * The handshake of a request on {@code channel}, with the client address of {@link
   * ConnectionLimits#clientAddress(Channel)}.
   */
  public static Handshake of(Channel channel, String uri, HttpHeaders headers) {
    return of(ConnectionLimits.clientAddress(channel), uri, headers);
  }

  /** The handshake of a request from a client address, whose URI {@link #uriDecodes decodes}. */
  public static Handshake of(String address, String uri, HttpHeaders headers) {
    QueryStringDecoder query = new QueryStringDecoder(uri);
    Map<String, List<String>> headerMap = new LinkedHashMap<>();
    headers.forEach(h -> {
      String name = common(h.getKey().toLowerCase(Locale.ROOT));
      if (!UPGRADE_ONLY.contains(name)) {
        headerMap.merge(name, value(name, h.getValue()), Handshakes::concat);
      }
    });
    Map<String, List<String>> queryMap = new LinkedHashMap<>();
    query.parameters().forEach((k, values) -> queryMap.put(common(k),
        values.size() == 1 && COMMON.contains(values.get(0)) ? seen(values.get(0)) : List.copyOf(values)));
    // Immutable, with immutable value lists and lower-case names, the maps are what Handshake keeps:
    // it takes them as they are, and equal ones of common values are one map for every handshake.
    return new Handshake(address, seen(query.path()).get(0), seenMap(queryMap), seenMap(headerMap));
  }
}
