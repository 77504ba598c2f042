package dev.parley.chat.netty.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Answers the requests a client sent before it shut its side of the connection, then closes. A
 * client may send a whole request and half-close at once (Node's HTTP client does so for a
 * {@code Connection: close} request): closing on that end of input, as Netty does unless half
 * closure is allowed, dropped the request unanswered when its answer came later (an Engine.IO POST,
 * answered once the session took its packets), and the client saw the connection hang up. The
 * channel allows half closure; this handler, right after the HTTP codec, counts the requests read
 * and the responses written, and closes when the input has ended and none is left to answer (at
 * once if the input ended in the middle of a request, which can never be answered now). A
 * WebSocket upgrade removes it and stops allowing half closure (the 101 answered the upgrade), so
 * the end of input closes at once there, as before. One per channel, on its event loop.
 */
final class HalfClose extends ChannelDuplexHandler {
  /** Requests read and not answered yet. */
  private int unanswered;
  /** Between a request's head and its last content: the client is still sending it. */
  private boolean receiving;
  private boolean inputEnded;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof HttpRequest) {
      unanswered++;
      receiving = true;
    }
    if (msg instanceof LastHttpContent) {
      receiving = false;
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    boolean ends = false;
    if (msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL
        && response.status().code() != 101) {
      // 100 Continue: the request still waits for its answer.
    } else if (msg instanceof LastHttpContent && unanswered > 0) {
      unanswered--;
      ends = inputEnded && unanswered == 0;
    }
    super.write(ctx, msg, promise);
    if (ends) {
      promise.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof ChannelInputShutdownEvent) {
      inputEnded = true;
      // A request cut off before its end will never be whole: closed at once, as before.
      if (unanswered == 0 || receiving) {
        ctx.close();
      }
    }
    super.userEventTriggered(ctx, evt);
  }
}
