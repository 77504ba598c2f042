package dev.parley.chat.netty.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.netty.util.ReferenceCountUtil;

/**
 * Per-message compression (RFC 7692) for a WebSocket endpoint, when {@code NettyConfig.perMessageDeflate}
 * is on: Netty's extension handler negotiates it in the upgrade and then adds its inflating decoder
 * and deflating encoder right after itself, ahead of the {@link Guard} that {@link #install} puts
 * before the WebSocket protocol handler.
 *
 * <p>The bound on inflating is Netty's own ({@code maxAllocation}): the decoder stops and throws
 * once one frame's inflated bytes would pass the endpoint's message limit, so a small compressed
 * frame cannot make the server allocate more than that; a fragmented message is bounded as a whole
 * by {@link MessageAssembler} after it. The guard turns that failure into the endpoint's own
 * "message too big" (close 1009), since the failure would otherwise close the connection with no
 * close frame.
 */
final class PerMessageDeflate {
  /** socket.io's {@code perMessageDeflate.threshold}: smaller outgoing messages are not worth it. */
  static final int THRESHOLD_BYTES = 1024;
  private static final int COMPRESSION_LEVEL = 6;
  private static final int MAX_WINDOW_BITS = 15;

  private PerMessageDeflate() {}

  /**
   * Adds the negotiation handler and the guard, before {@code protocolHandler}'s place at the end of
   * the pipeline; {@code assemblerName} names the handler after which the guard reports a message
   * that inflated too far (the endpoint follows it).
   */
  static void install(ChannelPipeline p, int maxMessageBytes, String assemblerName) {
    p.addLast("ws-deflate", new WebSocketServerExtensionHandler(new PerMessageDeflateServerExtensionHandshaker(
        COMPRESSION_LEVEL, false, MAX_WINDOW_BITS, false, false, new SmallFramesUncompressed(), maxMessageBytes)));
    p.addLast("ws-deflate-guard", new Guard(assemblerName, maxMessageBytes));
  }

  /** Leaves outgoing frames under the threshold uncompressed; inflates every compressed incoming one. */
  private static final class SmallFramesUncompressed implements WebSocketExtensionFilterProvider {
    @Override
    public WebSocketExtensionFilter encoderFilter() {
      return frame -> frame.content().readableBytes() < THRESHOLD_BYTES;
    }

    @Override
    public WebSocketExtensionFilter decoderFilter() {
      return WebSocketExtensionFilter.NEVER_SKIP;
    }
  }

  /**
   * Between the inflating decoder and the UTF-8 validator: a frame that still has a reserved bit
   * set was not inflated (the client set RSV1 without negotiating compression, or set RSV2/RSV3) and
   * closes the connection with 1002; a frame that inflated past the limit is reported to the
   * endpoint, which closes with 1009. Frames after either are dropped. One per connection, on its
   * event loop.
   */
  private static final class Guard extends ChannelInboundHandlerAdapter {
    private final String assemblerName;
    private final int maxMessageBytes;
    private boolean failed;

    Guard(String assemblerName, int maxMessageBytes) {
      this.assemblerName = assemblerName;
      this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (failed) {
        ReferenceCountUtil.release(msg);
      } else if (msg instanceof WebSocketFrame frame && frame.rsv() != 0) {
        failed = true;
        frame.release();
        Closing.send(ctx.channel(), WebSocketCloseStatus.PROTOCOL_ERROR.code(), "reserved bits set", true);
      } else {
        ctx.fireChannelRead(msg);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!(cause instanceof DecompressionException)) {
        ctx.fireExceptionCaught(cause);
        return;
      }
      if (!failed) {
        failed = true;
        ChannelHandlerContext assembler = ctx.pipeline().context(assemblerName);
        TooLongFrameException tooLong = new TooLongFrameException(
            "message inflates past " + maxMessageBytes + " bytes");
        if (assembler != null) {
          assembler.fireExceptionCaught(tooLong);
        } else {
          Closing.send(ctx.channel(), WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message too big", false);
        }
      }
    }
  }
}
