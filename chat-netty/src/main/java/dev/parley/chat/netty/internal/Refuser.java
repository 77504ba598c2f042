package dev.parley.chat.netty.internal;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The whole pipeline, after the HTTP codec, of a connection refused by a {@link ConnectionLimits}
 * cap: answers its first request with the refusal and closes. Nothing it sends is kept. A connection
 * that has not sent its request head within {@link #WAIT_MILLIS} is closed without an answer: a
 * refused connection must not hold a file descriptor for long.
 */
final class Refuser extends ChannelInboundHandlerAdapter {
  /** How long a refused connection may take to send its request head (at most the handshake timeout). */
  static final long WAIT_MILLIS = 2000;

  private final ConnectionLimits.Verdict verdict;
  private final long waitMillis;
  private ScheduledFuture<?> deadline;
  private boolean answered;

  Refuser(ConnectionLimits.Verdict verdict, long handshakeTimeoutMillis) {
    this.verdict = verdict;
    this.waitMillis = Math.min(WAIT_MILLIS, handshakeTimeoutMillis);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    deadline = ctx.executor().schedule(() -> {
      ctx.close();
    }, waitMillis, TimeUnit.MILLISECONDS);
    ctx.channel().closeFuture().addListener(f -> deadline.cancel(false));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
    if (msg instanceof HttpRequest && !answered) {
      answered = true;
      ctx.writeAndFlush(response(verdict)).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** The answer to a refused request: its status, {@code Retry-After}, a short text, and a close. */
  static FullHttpResponse response(ConnectionLimits.Verdict verdict) {
    FullHttpResponse response = HttpRequestHandler.text(verdict.status, verdict.body);
    response.headers().set(HttpHeaderNames.RETRY_AFTER, verdict.retryAfterSeconds);
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return response;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
