package dev.parley.chat.netty.internal.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.MessageKind;
import dev.parley.chat.netty.internal.EngineFrame;
import dev.parley.chat.socketio.ChatEvents;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.spi.SharedEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chat namespace's packets of a fan-out's event are built once, by the first socket sent it,
 * and shared with the others down to the WebSocket frame; an event for one socket is built for it.
 */
class ChatEmitsSharingTest {
  private final ChatEmits emits = new ChatEmits(ChatEvents.defaults(), "/", true);

  private static ServerEvent.Message message() {
    return new ServerEvent.Message(ChatMessage.builder("01JD8Z3K5Q0000000000000000", Instant.ofEpochMilli(1_763_790_000_000L),
        MessageKind.ROOM, "hello room").room("lobby").sender("alice").build());
  }

  @Test
  void everySocketOfAFanOutGetsTheSamePackets_andTheSameWebSocketFrame() {
    ServerEvent.Message event = message();
    SharedEvent shared = new SharedEvent(event);

    List<EngineFrame> first = emits.packets(event, shared);
    emits.packets(new ServerEvent.Presence("lobby", "bob", true), null); // another socket's own event between
    List<EngineFrame> second = emits.packets(event, shared);

    assertThat(second).isSameAs(first);
    assertThat(second.get(0).webSocketFrame()).isSameAs(first.get(0).webSocketFrame());
    List<EngineFrame> alone = emits.packets(event, null);
    assertThat(alone).isNotSameAs(first);
    assertThat(alone.get(0).utf8()).isEqualTo(first.get(0).utf8());
  }
}
