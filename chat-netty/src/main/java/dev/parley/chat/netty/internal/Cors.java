package dev.parley.chat.netty.internal;

import dev.parley.chat.Handshake;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.Set;

/**
 * CORS headers for long-polling answers. Only listed origins get them; {@code "*"} allows any origin
 * but never together with credentials, as browsers require.
 */
final class Cors {
  private final Set<String> allowed;

  /** Origins allowed; empty means same-origin only, {@code "*"} any. */
  Cors(Set<String> allowed) {
    this.allowed = allowed;
  }

  boolean originAllowed(String origin, Handshake handshake) {
    return Origins.allowed(origin, handshake.header("host").orElse(null), allowed);
  }

  void apply(FullHttpResponse response, Handshake handshake) {
    String origin = handshake.header("origin").orElse(null);
    if (origin == null || !originAllowed(origin, handshake)) {
      return;
    }
    if (allowed.contains("*")) {
      response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    } else {
      response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
      response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
      response.headers().add(HttpHeaderNames.VARY, "Origin");
    }
  }
}
