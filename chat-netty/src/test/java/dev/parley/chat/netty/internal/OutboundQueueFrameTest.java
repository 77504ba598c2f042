package dev.parley.chat.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The queue frames what it sends itself; its bytes must be exactly what Netty's encoder writes. */
class OutboundQueueFrameTest {

  private static byte[] nettyFrame(WebSocketFrame frame) {
    EmbeddedChannel channel = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
    channel.writeOutbound(frame);
    ByteBuf all = Unpooled.buffer();
    for (ByteBuf part; (part = channel.readOutbound()) != null; ) {
      all.writeBytes(part);
      part.release();
    }
    channel.finishAndReleaseAll();
    return ByteBufUtil.getBytes(all);
  }

  @Test
  void framesMatchNettysEncoderAtEveryLengthBoundary() {
    for (int length : new int[] {0, 1, 125, 126, 127, 65_535, 65_536, 200_000}) {
      byte[] payload = new byte[length];
      Arrays.fill(payload, (byte) 'x');

      assertThat(OutboundQueue.frame(payload, false)).as("text, %d bytes", length)
          .isEqualTo(nettyFrame(new TextWebSocketFrame(Unpooled.wrappedBuffer(payload))));
      assertThat(OutboundQueue.frame(payload, true)).as("binary, %d bytes", length)
          .isEqualTo(nettyFrame(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload))));
    }
  }

  /** Everything the queue wrote to the channel, flushed. */
  private static byte[] written(EmbeddedChannel channel) {
    channel.runPendingTasks();
    ByteBuf all = Unpooled.buffer();
    for (ByteBuf part; (part = channel.readOutbound()) != null; ) {
      all.writeBytes(part);
      part.release();
    }
    return ByteBufUtil.getBytes(all);
  }

  @Test
  void aBroadcastsRecipientsGetTheSameBytesAsALoneRecipient() {
    byte[] payload = "42[\"new message\",{\"message\":\"hi\"}]".getBytes(StandardCharsets.UTF_8);
    byte[] expected = nettyFrame(new TextWebSocketFrame(Unpooled.wrappedBuffer(payload)));
    EmbeddedChannel[] recipients = {new EmbeddedChannel(), new EmbeddedChannel(), new EmbeddedChannel()};
    WsFrame shared = new WsFrame(payload, false);
    for (EmbeddedChannel c : recipients) {
      // One frame, recipient after recipient, as a broadcast hands it over.
      assertThat(new OutboundQueue(c, 1 << 16).frame(shared)).isTrue();
    }
    for (EmbeddedChannel c : recipients) {
      assertThat(written(c)).isEqualTo(expected);
      c.finishAndReleaseAll();
    }
  }

  @Test
  void framesQueuedTogetherAreWrittenInOrderAndWhole() {
    byte[] header = "451-[\"file\",{\"_placeholder\":true,\"num\":0}]".getBytes(StandardCharsets.UTF_8);
    byte[] attachment = {1, 2, 3, (byte) 0xff};
    EmbeddedChannel channel = new EmbeddedChannel();
    OutboundQueue queue = new OutboundQueue(channel, 1 << 16);

    assertThat(queue.together(new byte[][] {header, attachment}, new boolean[] {false, true})).isTrue();

    ByteBuf expected = Unpooled.buffer();
    expected.writeBytes(nettyFrame(new TextWebSocketFrame(Unpooled.wrappedBuffer(header))));
    expected.writeBytes(nettyFrame(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(attachment))));
    assertThat(written(channel)).isEqualTo(ByteBufUtil.getBytes(expected));
    channel.finishAndReleaseAll();
  }
}
