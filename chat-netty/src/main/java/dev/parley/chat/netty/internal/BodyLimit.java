package dev.parley.chat.netty.internal;

import dev.parley.chat.netty.NettyConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.List;

/**
 * Refuses, before buffering it, a request body larger than its path allows: Engine.IO's maxPayload
 * for long-polling, {@link NettyConfig#maxFrameBytes()} for anything else (forms, routes). Only the
 * path that needs large bodies can make the server hold them.
 */
final class BodyLimit extends ChannelInboundHandlerAdapter {
  private final NettyConfig config;
  private final List<EngineIoServer> engines;
  private boolean discarding;

  BodyLimit(NettyConfig config, List<EngineIoServer> engines) {
    this.config = config;
    this.engines = engines;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request && !Handshakes.uriDecodes(request.uri())) {
      // The first handler to decode the URI: a malformed percent-escape (found by fuzzing) would
      // throw in every handler after this one. Marked as a decoding failure, the request gets
      // HttpRequestHandler's 400 "Malformed HTTP request"; the aggregator drops its body.
      discarding = false;
      request.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("malformed URI")));
      ctx.fireChannelRead(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      discarding = HttpUtil.getContentLength(request, -1L) > limit(request);
      if (discarding) {
        ReferenceCountUtil.release(msg);
        FullHttpResponse response =
            HttpRequestHandler.text(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "Request body too large\n");
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        // Closing now would reset a client still uploading before it reads the answer: the rest of
        // the body is read and dropped (never held), and the connection closes after it.
        ctx.writeAndFlush(response);
        return;
      }
    } else if (discarding && msg instanceof HttpContent) {
      boolean last = msg instanceof LastHttpContent;
      ReferenceCountUtil.release(msg);
      if (last) {
        ctx.close();
      }
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private int limit(HttpRequest request) {
    String path = new QueryStringDecoder(request.uri()).path();
    for (EngineIoServer engine : engines) {
      if (engine.matches(path)) {
        return engine.settings().maxPayload();
      }
    }
    return config.maxFrameBytes();
  }
}
