package dev.parley.chat.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reassembles a fragmented WebSocket message into one frame by copying each fragment into a single
 * growing buffer and releasing the fragment at once. Netty's {@code WebSocketFrameAggregator} keeps
 * every fragment as a component of a composite buffer instead, so a message sent as one-byte
 * fragments held a buffer object, a component and a pool slot per byte: several times the message's
 * size. Here a message being assembled holds one buffer whose capacity is at most twice what has
 * arrived (64 bytes at least) and never more than the limit.
 *
 * <p>Unfragmented messages and control frames pass through untouched, control frames also in the
 * middle of a message, except pings: each is answered here with a pong of the same payload, unless a
 * close frame has been sent (nothing may follow it), and goes no further. Netty's protocol handler
 * did that until the upgrade was done; it then leaves the pipeline, since it would otherwise cost
 * every connection a handler and its context for the rest of its life ({@link
 * ServerInitializer#upgraded}). A message that grows past the limit is dropped with its remaining
 * fragments, and a {@link TooLongFrameException} goes down the pipeline, where the endpoint closes
 * with 1009.
 * A message whose last fragment has not arrived within the deadline is dropped the same way, with an
 * {@link Incomplete} (the endpoint closes with 1008): otherwise a client that answers pings could
 * hold a partial message for as long as it stays connected.
 *
 * <p>It also checks that text is UTF-8, which Netty's {@code Utf8FrameValidator} did as a handler
 * of its own, kept by every connection: a whole text frame with Netty's own check
 * ({@link ByteBufUtil#isText}), a fragmented text message with the JDK's decoder as each fragment
 * arrives, so that it fails as soon as a sequence can no longer become valid. Text that is not
 * UTF-8 is answered with close 1007 and the connection dropped once it is written, as Netty's
 * validator did, and a {@link CorruptedWebSocketFrameException} goes down the pipeline. One instance
 * per connection, used on its event loop only.
 */
final class MessageAssembler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(MessageAssembler.class);
  private final int maxMessageBytes;
  private final long deadlineMillis;
  /** Ends the message being assembled if it is not complete by the deadline; null between messages. */
  private ScheduledFuture<?> deadline;
  /**
   * The message being assembled; null between messages. For a text message, its reader index
   * marks how far its bytes were found to be UTF-8 (a character split between fragments waits for
   * its rest); it is set back to 0 when the message is complete.
   */
  private ByteBuf assembling;
  /** Checks the text message being assembled; null for a binary one, and between messages. */
  private CharsetDecoder utf8;
  /** The rest of a message that was too long is being dropped. */
  private boolean discarding;

  /** A fragmented message was not completed in time; the endpoint closes with 1008. */
  public static final class Incomplete extends DecoderException {
    Incomplete(String message) {
      super(message);
    }
  }

  /**
   * @param maxMessageBytes the largest message, after reassembly, in bytes
   * @param deadline how long after its first fragment a message must be complete
   */
  public MessageAssembler(int maxMessageBytes, Duration deadline) {
    this.maxMessageBytes = maxMessageBytes;
    this.deadlineMillis = deadline.toMillis();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof PingWebSocketFrame ping) {
      if (Closing.sent(ctx.channel())) {
        ping.release();
      } else {
        ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
      }
    } else if (msg instanceof ContinuationWebSocketFrame fragment) {
      continuation(ctx, fragment);
    } else if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
      WebSocketFrame frame = (WebSocketFrame) msg;
      if (assembling != null || discarding) {
        // Netty's frame decoder already refuses this with 1002; kept as a guard of this class's state.
        frame.release();
        reset();
        discarding = false;
        ctx.fireExceptionCaught(new CorruptedWebSocketFrameException(
            WebSocketCloseStatus.PROTOCOL_ERROR, "data frame inside a fragmented message"));
      } else if (frame.isFinalFragment()) {
        if (frame instanceof TextWebSocketFrame && !ByteBufUtil.isText(frame.content(), StandardCharsets.UTF_8)) {
          frame.release();
          notUtf8(ctx);
        } else {
          ctx.fireChannelRead(frame);
        }
      } else {
        utf8 = frame instanceof TextWebSocketFrame ? StandardCharsets.UTF_8.newDecoder() : null;
        ByteBuf first = frame.content();
        assembling = ctx.alloc().buffer(Math.min(Math.max(64, first.readableBytes()), maxMessageBytes), maxMessageBytes);
        ByteBuf started = assembling;
        deadline = ctx.executor().schedule(() -> {
          if (assembling == started) {
            reset();
            discarding = true;
            ctx.fireExceptionCaught(new Incomplete("message not complete within " + deadlineMillis + " ms"));
          }
        }, deadlineMillis, TimeUnit.MILLISECONDS);
        append(ctx, frame);
      }
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private void continuation(ChannelHandlerContext ctx, ContinuationWebSocketFrame fragment) {
    if (discarding) {
      discarding = !fragment.isFinalFragment();
      fragment.release();
    } else if (assembling == null) {
      fragment.release();
      ctx.fireExceptionCaught(new CorruptedWebSocketFrameException(
          WebSocketCloseStatus.PROTOCOL_ERROR, "continuation frame outside a fragmented message"));
    } else {
      append(ctx, fragment);
    }
  }

  /** Copies the fragment's bytes and releases it; passes the message on after its final fragment. */
  private void append(ChannelHandlerContext ctx, WebSocketFrame fragment) {
    ByteBuf content = fragment.content();
    boolean last = fragment.isFinalFragment();
    if (content.readableBytes() > maxMessageBytes - assembling.writerIndex()) {
      fragment.release();
      reset();
      discarding = !last;
      ctx.fireExceptionCaught(new TooLongFrameException("message longer than " + maxMessageBytes + " bytes"));
      return;
    }
    assembling.writeBytes(content);
    fragment.release();
    if (utf8 != null && !utf8SoFar(last)) {
      reset();
      discarding = !last;
      notUtf8(ctx);
      return;
    }
    if (last) {
      ByteBuf message = assembling.readerIndex(0);
      boolean text = utf8 != null;
      assembling = null;
      utf8 = null;
      cancelDeadline();
      ctx.fireChannelRead(text ? new TextWebSocketFrame(true, 0, message) : new BinaryWebSocketFrame(true, 0, message));
    }
  }

  /**
   * Whether the text assembled so far is UTF-8, checking the bytes after the reader index; with
   * {@code last}, no character may be left unfinished.
   */
  private boolean utf8SoFar(boolean last) {
    int from = assembling.readerIndex();
    ByteBuffer in = assembling.nioBuffer(from, assembling.writerIndex() - from);
    // Surrogate pairs take two chars; the chars themselves are not wanted.
    CharBuffer out = CharBuffer.allocate(Math.max(2, Math.min(in.remaining(), 1024)));
    CoderResult result;
    do {
      out.clear();
      result = utf8.decode(in, out, last);
    } while (result.isOverflow());
    if (result.isError()) {
      return false;
    }
    assembling.readerIndex(from + in.position());
    return true;
  }

  /** Closes with 1007 as Netty's validator did, and tells the endpoint. */
  private static void notUtf8(ChannelHandlerContext ctx) {
    Closing.send(ctx.channel(), WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code(), "bytes are not UTF-8", true);
    ctx.fireExceptionCaught(new CorruptedWebSocketFrameException(
        WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "bytes are not UTF-8"));
  }

  private void reset() {
    if (assembling != null) {
      assembling.release();
      assembling = null;
    }
    utf8 = null;
    cancelDeadline();
  }

  private void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (assembling != null && log.isDebugEnabled()) {
      log.debug("{} closed in the middle of a fragmented message ({} bytes received)",
          ctx.channel().remoteAddress(), assembling.writerIndex());
    }
    reset();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    reset();
  }
}
