package dev.parley.chat.netty;

import dev.parley.chat.ChatServer;
import dev.parley.chat.socketio.SocketIoConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Per-message compression with real clients that negotiate it (src/test/js/deflate.test.mjs): the
 * official socket.io client over WebSocket and ws on the JSON endpoint, large messages both ways,
 * and compressed bombs that would inflate past the message limits.
 */
class PerMessageDeflateIT {

  @Test
  void clientsThatNegotiateCompressionChatAndBombsAreClosedWith1009() throws Exception {
    Path js = NodeProject.install("src/test/js", "target/socketio-js", "socket.io-client");
    ChatServer chat = ChatServer.builder().build();
    NettyChatServer compressing = server(chat, true);
    NettyChatServer plain = server(chat, false);
    try {
      NodeProject.runTests(js, "deflate.test.mjs", Map.of(
          "PARLEY_URL", "http://127.0.0.1:" + compressing.port(),
          "PARLEY_PLAIN_URL", "http://127.0.0.1:" + plain.port()));
    } finally {
      compressing.stop().toCompletableFuture().join();
      plain.stop().toCompletableFuture().join();
      chat.close();
    }
  }

  private static NettyChatServer server(ChatServer chat, boolean deflate) {
    return NettyChatServer.builder(NettyConfig.builder().host("127.0.0.1").port(0).perMessageDeflate(deflate).build())
        .chat(chat)
        .socketIo(SocketIoConfig.builder().maxPayload(100_000).build())   // MAX_PAYLOAD in the test file
        .build()
        .start().toCompletableFuture().join();
  }
}
