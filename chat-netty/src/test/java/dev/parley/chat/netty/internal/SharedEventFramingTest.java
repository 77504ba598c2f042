package dev.parley.chat.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.Handshake;
import dev.parley.chat.MessageKind;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.spi.SharedEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A JSON-protocol fan-out is encoded and framed once, by its first recipient: every other recipient
 * is written a view of one buffer, however the recipients are interleaved with other sends.
 */
class SharedEventFramingTest {
  private static final int RECIPIENTS = 5;

  private static ServerEvent.Message message(String text) {
    return new ServerEvent.Message(ChatMessage.builder("01JD8Z3K5Q0000000000000000", Instant.ofEpochMilli(1_763_790_000_000L),
        MessageKind.ROOM, text).room("lobby").sender("alice").build());
  }

  @Test
  void everyRecipientOfASharedEventIsWrittenTheSameFrame_framedOnce() {
    JsonProtocol protocol = new JsonProtocol();
    List<EmbeddedChannel> channels = new ArrayList<>();
    List<NettyConnection> connections = new ArrayList<>();
    for (int i = 0; i < RECIPIENTS; i++) {
      EmbeddedChannel channel = new EmbeddedChannel();
      channels.add(channel);
      connections.add(new NettyConnection(Handshake.empty(), protocol, new OutboundQueue(channel, 1 << 16)));
    }
    ServerEvent.Message event = message("hello room");
    SharedEvent shared = new SharedEvent(event);

    for (NettyConnection c : connections) {
      assertThat(c.send(shared)).isTrue();
      // Another event in between, to the same connection: a per-thread "last event" cache would
      // encode the shared one again for the next recipient.
      assertThat(c.send(message("just for you"))).isTrue();
    }

    byte[] expected = OutboundQueue.frame(protocol.encode(event), false);
    List<ByteBuf> sharedBuffers = new ArrayList<>();
    for (EmbeddedChannel channel : channels) {
      channel.runPendingTasks();
      ByteBuf first = channel.readOutbound();
      assertThat(ByteBufUtil.getBytes(first)).isEqualTo(expected);
      sharedBuffers.add(first.unwrap());
      ByteBuf second = channel.readOutbound();
      assertThat(second).isNotNull();
      first.release();
      second.release();
      channel.finishAndReleaseAll();
    }
    // The first recipient is written the heap frame; the others views of one direct copy of it.
    assertThat(sharedBuffers.subList(1, RECIPIENTS)).allSatisfy(b -> assertThat(b).isSameAs(sharedBuffers.get(1)));
    assertThat(sharedBuffers.get(1)).isNotNull();
  }
}
