package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.ChatServer;
import org.junit.jupiter.api.Test;

class NettyChatServerTest {

  @Test
  void theJsonEndpointMayNotHideUnderTheSocketIoPath() {
    try (ChatServer chat = ChatServer.builder().build()) {
      assertThatThrownBy(() -> NettyChatServer.create(chat, NettyConfig.builder().path("/socket.io").build()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("clashes");
    }
  }
}
