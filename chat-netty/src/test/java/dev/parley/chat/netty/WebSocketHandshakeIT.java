package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.spi.CloseCodes;
import java.io.EOFException;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RFC 6455 details of the opening and the closing handshake. */
class WebSocketHandshakeIT {
  private static final String VERSION_13 = "Sec-WebSocket-Version: 13\r\n";
  private static final String GOOD_KEY = "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n";

  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private RawWebSocket upgrade(String path, String headers) throws Exception {
    return RawWebSocket.upgrade(server.port(), path, headers, 0);
  }

  @Test
  void keysThatAreNotBase64Of16BytesGet400() throws Exception {
    server = TestServer.start();
    for (String path : new String[] {"/chat", "/socket.io/?EIO=4&transport=websocket"}) {
      for (String key : new String[] {"abc", "AAAAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAA=", "!!!!!!!!!!!!!!!!!!!!!!==", ""}) {
        try (RawWebSocket ws = upgrade(path, "Sec-WebSocket-Key: " + key + "\r\n" + VERSION_13)) {
          assertThat(ws.statusLine).as(path + " key " + key).contains(" 400 ");
        }
      }
      try (RawWebSocket ws = upgrade(path, VERSION_13)) {
        assertThat(ws.statusLine).as(path + " without a key").contains(" 400 ");
      }
      try (RawWebSocket ws = upgrade(path, GOOD_KEY + VERSION_13)) {
        assertThat(ws.upgraded()).as(path + " with a good key").isTrue();
      }
    }
  }

  @Test
  void aMissingVersionGets400AndAWrongOne426_bothNamingVersion13() throws Exception {
    server = TestServer.start();
    for (String path : new String[] {"/chat", "/socket.io/?EIO=4&transport=websocket"}) {
      Map<String, String> cases = Map.of(
          "", " 400 ",
          "Sec-WebSocket-Version: 8\r\n", " 426 ",
          "Sec-WebSocket-Version: 14\r\n", " 426 ");
      for (var c : cases.entrySet()) {
        try (RawWebSocket ws = upgrade(path, GOOD_KEY + c.getKey())) {
          assertThat(ws.statusLine).as(path + " " + c.getKey()).contains(c.getValue());
          assertThat(ws.head).as(path + " " + c.getKey()).containsIgnoringCase("sec-websocket-version: 13\r\n");
        }
      }
    }
  }

  /**
   * The server's own close (here after a disconnect by the application) waits behind megabytes for a
   * client that was not reading; the client's close crosses it. Both close frames must still reach
   * the client before the TCP connection ends, with everything queued before them.
   */
  @Test
  void aClientCloseThatCrossesTheServersCloseDoesNotCutItOff() throws Exception {
    server = new TestServer(b -> b.config(dev.parley.chat.ChatConfig.builder().historySize(0).build()),
        n -> n.maxQueuedBytes(64 * 1024 * 1024));
    int messages = 1500;
    String padding = "x".repeat(3900);
    try (RawWebSocket slow = RawWebSocket.connect(server.port(), "/chat", null, 4096)) {
      slow.read(); // welcome
      slow.sendText("{\"type\":\"join\",\"room\":\"lobby\",\"username\":\"slow\"}");
      assertThat(slow.read().text()).contains("joined");
      // About 6 MB, more than the kernel's socket buffers take: the rest waits in the server.
      for (int i = 0; i < messages; i++) {
        server.chat.broadcast("lobby", i + " " + padding).toCompletableFuture().join();
      }
      server.chat.disconnect("slow", "bye").toCompletableFuture().join();
      slow.send(RawWebSocket.CLOSE, new byte[] {0x03, (byte) 0xE8}, true);

      int received = 0;
      RawWebSocket.Frame f;
      try {
        while ((f = slow.read()).opcode() != RawWebSocket.CLOSE) {
          received++;
        }
      } catch (EOFException e) {
        throw new AssertionError("TCP closed without a close frame after " + received + " messages", e);
      }
      assertThat(f.closeCode()).isEqualTo(CloseCodes.DISCONNECTED_BY_SERVER);
      assertThat(received).isEqualTo(messages);
      assertThat(slow.serverClosedConnection()).isTrue();
    }
  }
}
