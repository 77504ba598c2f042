package dev.parley.chat.bench.load;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * One chat protocol as the load generator speaks it: how a connection joins its room, which frames
 * are chat deliveries, and how to write a room or private message. Implementations keep no state:
 * what one connection has seen lives in its {@link Conn}.
 */
interface Driver {
  /** The name used on the command line and in results. */
  String name();

  /** The request path (and query) of the WebSocket endpoint. */
  String path();

  /** The WebSocket is open: start whatever leads to the join. */
  void opened(Conn c);

  /** A text frame that is not a delivery (see {@link #deliveryPrefix}). */
  void control(Conn c, String frame);

  /**
   * How every chat message pushed to a client begins, as ASCII bytes: frames are told apart on the
   * raw bytes, without decoding them. Callers must not change the array.
   */
  byte[] deliveryPrefix();

  /** The frame that sends {@code text} to {@code room}. */
  String roomMessage(String room, String text);

  /** The frame that sends {@code text} privately to the user {@code to}. */
  String privateMessage(String to, String text);

  static Driver of(String name) {
    switch (name) {
      case "json":
        return new JsonDriver();
      case "socketio":
        return new SocketIoDriver();
      default:
        throw new IllegalArgumentException("unknown driver " + name + " (json or socketio)");
    }
  }

  /**
   * The protocol of connection number {@code i}: {@code name}'s for every one, or with {@code mixed},
   * JSON for even numbers and Socket.IO for odd ones, so that every room has members of both.
   */
  static java.util.function.IntFunction<Driver> perConnection(String name) {
    if (name.equals("mixed")) {
      Driver json = new JsonDriver();
      Driver socketio = new SocketIoDriver();
      return i -> i % 2 == 0 ? json : socketio;
    }
    Driver one = of(name);
    return i -> one;
  }

  /** Whether {@code frame} starts with {@code prefix} (ASCII). */
  static boolean startsWith(ByteBuf frame, byte[] prefix) {
    if (frame.readableBytes() < prefix.length) {
      return false;
    }
    int at = frame.readerIndex();
    for (int i = 0; i < prefix.length; i++) {
      if (frame.getByte(at + i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
