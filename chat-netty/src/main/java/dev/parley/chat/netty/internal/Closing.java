package dev.parley.chat.netty.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The WebSocket closing handshake (RFC 6455 section 5.5.1), done here rather than by Netty so that a
 * close is sent at most once per connection: Netty would echo the client's reply to our own close
 * with a second close frame, which browsers report as an error.
 */
final class Closing {
  /** The write of our close frame, once there is one; set and read on the channel's event loop only. */
  private static final AttributeKey<ChannelFuture> CLOSE_SENT = AttributeKey.valueOf("parley.closeSent");
  /** The peer's close arrived while ours was decided but not yet written; on the event loop only. */
  private static final AttributeKey<Boolean> PEER_CLOSED = AttributeKey.valueOf("parley.peerClosed");
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
    EventLoop loop = channel.eventLoop();
    if (!loop.inEventLoop()) {
      // On the loop, so that a close frame from the peer finds ours either not begun or with its
      // write under way, never marked as sent but not yet written.
      try {
        loop.execute(() -> send(channel, code, reason, dropAfterWrite));
      } catch (RejectedExecutionException e) {
        channel.close(); // the loop is shutting down
      }
      return;
    }
    if (channel.attr(CLOSE_SENT).get() != null) {
      return;
    }
    ChannelFuture written = channel.writeAndFlush(new CloseWebSocketFrame(code, truncate(reason)));
    channel.attr(CLOSE_SENT).set(written);
    // A peer whose close came first needs no more time: ours answers it.
    boolean drop = dropAfterWrite || channel.attr(PEER_CLOSED).get() != null;
    written.addListener(drop ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);
    closeByDeadline(channel);
  }

  /** Whether a close frame has been sent on {@code channel} (ours or the echo of the peer's); on its event loop. */
  static boolean sent(Channel channel) {
    // hasAttr first: attr() would add the attribute to a channel that never closes.
    return channel.hasAttr(CLOSE_SENT) && channel.attr(CLOSE_SENT).get() != null;
  }

  /** Whatever the peer does, the connection is gone after the close timeout. */
  private static void closeByDeadline(Channel channel) {
    var deadline = channel.eventLoop().schedule(() -> {
      channel.close();
    }, CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    channel.closeFuture().addListener(f -> deadline.cancel(false));
  }

  /**
   * Answers a close frame from the peer, on the event loop: echoes its code unless we sent or
   * decided on a close already, and closes the TCP connection once the echo (or our own close) is
   * written.
   */
  public static void received(ChannelHandlerContext ctx, CloseWebSocketFrame frame) {
    OutboundQueue out = ctx.channel().attr(OutboundQueue.KEY).get();
    ChannelFuture ours = ctx.channel().attr(CLOSE_SENT).get();
    if (ours == null && out != null && out.isClosing()) {
      // Our close is decided and on its way to this loop, behind what was queued before it: it
      // answers the peer's, and the connection ends once it is written (or at the close timeout).
      ctx.channel().attr(PEER_CLOSED).set(Boolean.TRUE);
      closeByDeadline(ctx.channel());
      return;
    }
    if (out != null) {
      out.stop(); // nothing may follow our close frame
    }
    if (ours != null) {
      // The peer's close answers ours (or crossed it): no echo, but ours may still wait behind
      // other frames for the socket, and closing now would discard it. The close timeout of
      // send() bounds the wait.
      ours.addListener(ChannelFutureListener.CLOSE);
      return;
    }
    CloseWebSocketFrame reply = frame.statusCode() == -1
        ? new CloseWebSocketFrame()
        : new CloseWebSocketFrame(frame.statusCode(), "");
    ChannelFuture echoed = ctx.writeAndFlush(reply);
    ctx.channel().attr(CLOSE_SENT).set(echoed);
    echoed.addListener(ChannelFutureListener.CLOSE);
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
