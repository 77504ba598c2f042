package dev.parley.chat.netty.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The WebSocket closing handshake (RFC 6455 section 5.5.1), done here rather than by Netty so that a
 * close is sent at most once per connection: Netty would echo the client's reply to our own close
 * with a second close frame, which browsers report as an error.
 */
public final class Closing {
  private static final AttributeKey<Boolean> CLOSE_SENT = AttributeKey.valueOf("parley.closeSent");
  /** RFC 6455 allows 123 bytes of reason in a close frame. */
  private static final int MAX_REASON_BYTES = 123;
  /** How long a peer has to answer our close frame before the TCP connection is dropped. */
  static final long CLOSE_TIMEOUT_MILLIS = 3000;

  private Closing() {}

  /**
   * Sends a close frame unless one was sent already. With {@code dropAfterWrite} the TCP connection
   * is closed as soon as the frame is written (for peers that stopped answering); otherwise the peer
   * has {@link #CLOSE_TIMEOUT_MILLIS} to answer, then the connection is dropped. Either way it is
   * closed within that time even if the frame cannot be written.
   */
  public static void send(Channel channel, int code, String reason, boolean dropAfterWrite) {
    if (channel.attr(CLOSE_SENT).setIfAbsent(Boolean.TRUE) != null) {
      return;
    }
    var written = channel.writeAndFlush(new CloseWebSocketFrame(code, truncate(reason)));
    written.addListener(dropAfterWrite ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);
    closeByDeadline(channel);
  }

  /** Whatever the peer does, the connection is gone after the close timeout. */
  private static void closeByDeadline(Channel channel) {
    var deadline = channel.eventLoop().schedule(() -> {
      channel.close();
    }, CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    channel.closeFuture().addListener(f -> deadline.cancel(false));
  }

  /** Answers a close frame from the peer: echoes its code once, then closes the TCP connection. */
  public static void received(ChannelHandlerContext ctx, CloseWebSocketFrame frame) {
    OutboundQueue out = ctx.channel().attr(OutboundQueue.KEY).get();
    if (out != null) {
      out.stop(); // nothing may follow our close frame
    }
    if (ctx.channel().attr(CLOSE_SENT).setIfAbsent(Boolean.TRUE) != null) {
      ctx.close();
      return;
    }
    CloseWebSocketFrame reply = frame.statusCode() == -1
        ? new CloseWebSocketFrame()
        : new CloseWebSocketFrame(frame.statusCode(), "");
    ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
    // A peer that sent its close and stopped reading would otherwise hold the connection.
    closeByDeadline(ctx.channel());
  }

  static String truncate(String reason) {
    if (reason == null) {
      return "";
    }
    byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_REASON_BYTES) {
      return reason;
    }
    int end = MAX_REASON_BYTES;
    // Step back to a character boundary so the reason stays valid UTF-8.
    while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
      end--;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }
}
