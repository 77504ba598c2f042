package dev.parley.chat.netty.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * Whether a browser page's origin may talk to this server. Browsers send {@code Origin} with every
 * WebSocket handshake and cross-site request; checking it stops other sites' pages from using a
 * visitor's cookies here (cross-site WebSocket hijacking, cross-site posts to long-polling).
 */
public final class Origins {
  private Origins() {}

  /** The last answer of {@link #sameOrigin}, a pure function of its two strings. */
  private record SameOrigin(String origin, String host, boolean same) {}

  /**
   * A site's browsers all send one origin and one host, and parsing the origin as a URI was most
   * of what checking it cost: the last answer is kept and given again to the next handshake that
   * asks the same. Read and written by any thread; a race only computes the answer again.
   */
  private static volatile SameOrigin lastSameOrigin;

  /**
   * @param origin the request's {@code Origin} header, or {@code null} (not a browser)
   * @param host the request's {@code Host} header, or {@code null}
   * @param allowed the configured origins: empty means same-origin only, {@code "*"} any
   */
  public static boolean allowed(String origin, String host, Set<String> allowed) {
    if (origin == null || allowed.contains("*") || allowed.contains(origin)) {
      return true;
    }
    if (!allowed.isEmpty() || host == null) {
      return false;
    }
    SameOrigin last = lastSameOrigin;
    if (last != null && last.origin.equals(origin) && last.host.equals(host)) {
      return last.same;
    }
    boolean same = sameOrigin(origin, host);
    lastSameOrigin = new SameOrigin(origin, host, same);
    return same;
  }

  private static boolean sameOrigin(String origin, String host) {
    try {
      URI uri = new URI(origin);
      if (uri.getHost() == null) {
        return false;
      }
      String originHost = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
      String defaultPort = "https".equals(uri.getScheme()) ? ":443" : ":80";
      String h = host.toLowerCase(Locale.ROOT);
      String o = originHost.toLowerCase(Locale.ROOT);
      return o.equals(h) || (o + defaultPort).equals(h) || o.equals(h + defaultPort);
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
