package dev.parley.chat.netty;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a bare socket, for behaving badly on purpose: invalid UTF-8, bad close
 * frames, never answering pings, never reading.
 */
final class RawWebSocket implements AutoCloseable {
  static final int TEXT = 1;
  static final int BINARY = 2;
  static final int CLOSE = 8;
  static final int PING = 9;
  static final int PONG = 10;

  final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;
  final String statusLine;
  /** The status line and headers of the server's answer to the upgrade. */
  final String head;

  record Frame(int opcode, byte[] payload) {
    int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
    }

    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  private RawWebSocket(Socket socket, String head) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = new DataInputStream(socket.getInputStream());
    this.head = head;
    this.statusLine = head.lines().findFirst().orElse("");
  }

  /** Performs the upgrade; {@link #statusLine} tells whether it succeeded. */
  static RawWebSocket connect(int port, String path, String origin, int receiveBuffer) throws IOException {
    String headers = "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16]) + "\r\n"
        + "Sec-WebSocket-Version: 13\r\n"
        + (origin == null ? "" : "Origin: " + origin + "\r\n");
    return upgrade(port, path, headers, receiveBuffer);
  }

  /**
   * Sends an upgrade request with these extra header lines (each ending in CRLF) after {@code Host},
   * {@code Upgrade} and {@code Connection}, and reads the answer's head.
   */
  static RawWebSocket upgrade(int port, String path, String headers, int receiveBuffer) throws IOException {
    Socket socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(10_000);
    String request = "GET " + path + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + port + "\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + headers
        + "\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    String head = readHead(in);
    return new RawWebSocket(socket, head);
  }

  static RawWebSocket connect(int port) throws IOException {
    return connect(port, "/chat", null, 0);
  }

  /** An upgrade of {@code /chat} with a valid key and version, and these extra header lines. */
  static RawWebSocket connectWith(int port, String extraHeaders) throws IOException {
    return upgrade(port, "/chat", "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16]) + "\r\n"
        + "Sec-WebSocket-Version: 13\r\n" + extraHeaders, 0);
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  boolean upgraded() {
    return statusLine.contains(" 101 ");
  }

  void sendText(String text) throws IOException {
    send(TEXT, text.getBytes(StandardCharsets.UTF_8), true);
  }

  void send(int opcode, byte[] payload, boolean fin) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write((fin ? 0x80 : 0) | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length < 65536) {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length);
    } else {
      frame.write(0x80 | 127);
      for (int i = 7; i >= 0; i--) {
        frame.write((int) ((long) payload.length >>> (8 * i)));
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.write(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  /** Reads the next frame; throws {@link EOFException} if the server closed the TCP connection. */
  Frame read() throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    long length = b1 & 0x7F;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] payload = new byte[(int) length];
    in.readFully(payload);
    return new Frame(b0 & 0x0F, payload);
  }

  /** Reads frames until a close frame, skipping others; returns it. */
  Frame readUntilClose() throws IOException {
    for (;;) {
      Frame f = read();
      if (f.opcode() == CLOSE) {
        return f;
      }
    }
  }

  /** Whether the server has closed the TCP connection (reads until end of stream or timeout). */
  boolean serverClosedConnection() throws IOException {
    try {
      while (in.read() >= 0) {
        // discard whatever was still in flight
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (java.net.SocketException e) {
      return true; // reset by the server
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
