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
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The queue frames broadcasts itself; its bytes must be exactly what Netty's encoder writes. */
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
}
