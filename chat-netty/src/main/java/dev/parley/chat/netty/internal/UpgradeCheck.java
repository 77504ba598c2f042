package dev.parley.chat.netty.internal;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Base64;
import java.util.List;

/**
 * The checks of RFC 6455 section 4.2.1 that Netty's handshaker leaves out: Netty answers keys of
 * any shape, and takes a missing or older {@code Sec-WebSocket-Version} for an older protocol draft.
 */
final class UpgradeCheck {
  private UpgradeCheck() {}

  /** The only version spoken, sent with every refusal of a version. */
  static final String VERSION = "13";

  /** The answer that refuses this upgrade request, or {@code null} if it may proceed. */
  static FullHttpResponse refusal(HttpHeaders headers) {
    List<String> versions = headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
    if (versions.isEmpty()) {
      return withVersion(HttpResponseStatus.BAD_REQUEST, "Missing Sec-WebSocket-Version\n");
    }
    if (versions.size() > 1 || !VERSION.equals(versions.get(0).strip())) {
      return withVersion(HttpResponseStatus.UPGRADE_REQUIRED, "Unsupported Sec-WebSocket-Version\n");
    }
    List<String> keys = headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_KEY);
    if (keys.size() != 1 || !validKey(keys.get(0).strip())) {
      return HttpRequestHandler.text(HttpResponseStatus.BAD_REQUEST, "Invalid Sec-WebSocket-Key\n");
    }
    return null;
  }

  /** Base64 of exactly 16 bytes: 24 characters, the last two {@code "=="}. */
  static boolean validKey(String key) {
    if (key.length() != 24) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(key).length == 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static FullHttpResponse withVersion(HttpResponseStatus status, String body) {
    FullHttpResponse response = HttpRequestHandler.text(status, body);
    response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, VERSION);
    return response;
  }
}
