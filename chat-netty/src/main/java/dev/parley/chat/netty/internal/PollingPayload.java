package dev.parley.chat.netty.internal;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * The Engine.IO v4 long-polling payload: packets separated by the record separator (U+001E), a text
 * packet as is, a binary one as {@code b} and its base64. The same form both ways: a POST's body
 * from the client, a poll's answer from the server.
 */
final class PollingPayload {
  static final char SEPARATOR = '\u001e';

  private PollingPayload() {}

  /**
   * A POST body's packets, in order: a text packet as its {@code String} (type character included),
   * a binary one as {@code byte[]}; or {@code null} if any packet is malformed, which refuses the
   * whole body.
   */
  static List<Object> decode(String body) {
    List<Object> packets = new ArrayList<>();
    for (String part : body.split(String.valueOf(SEPARATOR), -1)) {
      Object packet = decodePacket(part);
      if (packet == null) {
        return null;
      }
      packets.add(packet);
    }
    return packets;
  }

  /** A text packet as is, a binary one as bytes, or {@code null} if malformed. */
  private static Object decodePacket(String part) {
    if (part.isEmpty()) {
      return null;
    }
    if (part.charAt(0) == 'b') {
      try {
        return Base64.getDecoder().decode(part.substring(1));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    // What a client may send: close, ping, pong, message, noop.
    return "1234".indexOf(part.charAt(0)) >= 0 || part.equals("6") ? part : null;
  }

  /** Frames as one payload, in order. */
  static String encode(Collection<EngineFrame> frames) {
    StringBuilder payload = new StringBuilder();
    for (EngineFrame f : frames) {
      if (payload.length() > 0) {
        payload.append(SEPARATOR);
      }
      payload.append(f.pollingForm());
    }
    return payload.toString();
  }
}
