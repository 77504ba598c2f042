package dev.parley.chat.netty.internal;

import dev.parley.chat.netty.NettyConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plain HTTP before any upgrade: lets WebSocket handshakes for the endpoint through (when their
 * origin is allowed), serves the socket.io client bundle and static files, answers everything else
 * with an error status.
 */
final class HttpRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(HttpRequestHandler.class);

  private final NettyConfig config;
  private final StaticFiles staticFiles;
  private final boolean jsonEndpoint;
  private final List<EngineIoServer> engines;
  private final ServerInitializer initializer;
  private final HttpRoutes routes;
  private final ConnectionLimits limits;
  /**
   * Closes a connection whose first request has not arrived within the handshake timeout: a
   * deadline, not an idle timer, so a client trickling header bytes cannot hold the connection.
   */
  private ScheduledFuture<?> firstRequestDeadline;

  HttpRequestHandler(NettyConfig config, StaticFiles staticFiles, boolean jsonEndpoint, List<EngineIoServer> engines,
      ServerInitializer initializer, HttpRoutes routes, ConnectionLimits limits) {
    this.routes = routes;
    this.limits = limits;
    this.config = config;
    this.staticFiles = staticFiles;
    this.jsonEndpoint = jsonEndpoint;
    this.engines = engines;
    this.initializer = initializer;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    Channel channel = ctx.channel();
    firstRequestDeadline = ctx.executor().schedule(() -> {
      channel.close();
    }, config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelDeadline();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelDeadline();
    super.channelInactive(ctx);
  }

  private void cancelDeadline() {
    if (firstRequestDeadline != null) {
      firstRequestDeadline.cancel(false);
      firstRequestDeadline = null;
    }
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    cancelDeadline();
    ConnectionLimits.Verdict verdict = limits.request(ctx.channel(), request.headers());
    if (verdict != ConnectionLimits.Verdict.ADMITTED) {
      send(ctx, request, Refuser.response(verdict), false);
      return;
    }
    if (!request.decoderResult().isSuccess()) {
      respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "Malformed HTTP request\n", false);
      return;
    }
    String path = new QueryStringDecoder(request.uri()).path();
    for (EngineIoServer engine : engines) {
      if (engine.serveClient(ctx, request, path)) {
        return;
      }
      if (engine.matches(path)) {
        engine.handle(ctx, request,
            handshake -> initializer.upgradeToEngineIo(ctx, request, engine, handshake),
            () -> initializer.longPolling(ctx.pipeline(), engine));
        return;
      }
    }
    if (jsonEndpoint && path.equals(config.path())) {
      if (!request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
        FullHttpResponse response = text(HttpResponseStatus.UPGRADE_REQUIRED, "This endpoint speaks WebSocket\n");
        response.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        send(ctx, request, response, HttpUtil.isKeepAlive(request));
        return;
      }
      if (!originAllowed(request)) {
        respond(ctx, request, HttpResponseStatus.FORBIDDEN, "Origin not allowed\n", false);
        return;
      }
      initializer.upgradeToJson(ctx, request);
      return;
    }
    if (routes != null && routes.matches(path)) {
      routes.handle(ctx, request, path);
      return;
    }
    if (staticFiles == null) {
      respond(ctx, request, HttpResponseStatus.NOT_FOUND, "Not found\n", HttpUtil.isKeepAlive(request));
      return;
    }
    staticFiles.serve(ctx, request, path);
  }

  private boolean originAllowed(FullHttpRequest request) {
    return Origins.allowed(request.headers().get(HttpHeaderNames.ORIGIN), request.headers().get(HttpHeaderNames.HOST),
        config.allowedOrigins());
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      // Idle between requests, or never sent one: close. But while a route is answering (reads are
      // paused until it has), the wait is the server's, not the client's.
      if (ctx.channel().config().isAutoRead()) {
        ctx.close();
      }
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  /**
   * The end of the pipeline until an upgrade, and for long-polling: without this, a reset or a
   * request cut off mid-body would reach Netty's tail, which logs it at WARN.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    PeerFailures.log(log, ctx.channel(), cause);
    ctx.close();
  }

  static FullHttpResponse text(HttpResponseStatus status, String body) {
    FullHttpResponse response = new DefaultFullHttpResponse(
        HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    return response;
  }

  static void respond(
      ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String body, boolean keepAlive) {
    send(ctx, request, text(status, body), keepAlive);
  }

  static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response, boolean keepAlive) {
    if (!response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
      response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    }
    response.headers().set("X-Content-Type-Options", "nosniff");
    if (keepAlive) {
      HttpUtil.setKeepAlive(response, true);
      ctx.writeAndFlush(response);
    } else {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
