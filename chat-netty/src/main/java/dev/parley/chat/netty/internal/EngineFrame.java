package dev.parley.chat.netty.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One outgoing Engine.IO packet, encoded once and shared by every session it is sent to: a broadcast
 * builds one frame and hands the same instance (and so the same bytes, and the same WebSocket
 * frame) to every recipient. Thread-safe.
 */
public final class EngineFrame {
  static final EngineFrame PING = text("2");
  static final EngineFrame PONG = text("3");
  static final EngineFrame NOOP = text("6");
  static final EngineFrame CLOSE = text("1");

  private final String text;
  private final byte[] binary;
  private volatile byte[] utf8;
  private volatile String base64;
  /** Made by the first WebSocket session it is sent to, shared by the others. */
  private volatile WsFrame webSocket;

  private EngineFrame(String text, byte[] binary) {
    this.text = text;
    this.binary = binary;
  }

  /** A text packet, type character included (for example {@code "4hello"}). */
  public static EngineFrame text(String packet) {
    return new EngineFrame(packet, null);
  }

  /** A Socket.IO payload as an Engine.IO message packet. */
  public static EngineFrame message(String payload) {
    return new EngineFrame("4" + payload, null);
  }

  /** A binary message. */
  public static EngineFrame binary(byte[] data) {
    return new EngineFrame(null, data);
  }

  /** Whether this is a binary message; else a text packet. */
  public boolean isBinary() {
    return binary != null;
  }

  /** A binary message's bytes, shared: not to be changed; {@code null} for a text packet. */
  public byte[] binaryData() {
    return binary;
  }

  /** The WebSocket text frame's bytes. */
  public byte[] utf8() {
    byte[] b = utf8;
    if (b == null) {
      b = text.getBytes(StandardCharsets.UTF_8);
      utf8 = b;
    }
    return b;
  }

  /**
   * The WebSocket frame of this packet, framed once for every session this instance is sent to. Any
   * thread.
   */
  public WsFrame webSocketFrame() {
    WsFrame f = webSocket;
    if (f == null) {
      synchronized (this) {
        f = webSocket;
        if (f == null) {
          webSocket = f = new WsFrame(binary != null ? binary : utf8(), binary != null);
        }
      }
    }
    return f;
  }

    /** The packet as it appears in a long-polling payload: text as is, binary as {@code b<base64>}. */
  String pollingForm() {
    if (binary == null) {
      return text;
    }
    String b = base64;
    if (b == null) {
      b = "b" + Base64.getEncoder().encodeToString(binary);
      base64 = b;
    }
    return b;
  }

  /** Approximate bytes held, for queue bounds. */
  int size() {
    return binary != null ? binary.length : text.length();
  }
}
