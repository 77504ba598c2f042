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
