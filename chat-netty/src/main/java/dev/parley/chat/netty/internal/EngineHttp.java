package dev.parley.chat.netty.internal;

import dev.parley.chat.Handshake;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** HTTP answers of the Engine.IO long-polling transport, with the errors the reference server gives. */
final class EngineHttp {
  private EngineHttp() {}

  /** The reference server's error codes and messages, sent as {@code {"code":N,"message":"..."}}. */
  enum Error {
    UNKNOWN_TRANSPORT(0, "Transport unknown", HttpResponseStatus.BAD_REQUEST),
    UNKNOWN_SID(1, "Session ID unknown", HttpResponseStatus.BAD_REQUEST),
    BAD_HANDSHAKE_METHOD(2, "Bad handshake method", HttpResponseStatus.BAD_REQUEST),
    BAD_REQUEST(3, "Bad request", HttpResponseStatus.BAD_REQUEST),
    FORBIDDEN(4, "Forbidden", HttpResponseStatus.FORBIDDEN),
    UNSUPPORTED_PROTOCOL_VERSION(5, "Unsupported protocol version", HttpResponseStatus.BAD_REQUEST);

    final int code;
    final String message;
    final HttpResponseStatus status;

    Error(int code, String message, HttpResponseStatus status) {
      this.code = code;
      this.message = message;
      this.status = status;
    }

    String json() {
      return "{\"code\":" + code + ",\"message\":\"" + message + "\"}";
    }
  }


  static void text(ChannelHandlerContext ctx, String body, String contentType, boolean keepAlive, Cors cors, Handshake handshake) {
    FullHttpResponse response = new DefaultFullHttpResponse(
        HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    send(ctx, response, keepAlive, cors, handshake);
  }

  static void error(ChannelHandlerContext ctx, Error error, Cors cors, Handshake handshake) {
    FullHttpResponse response = new DefaultFullHttpResponse(
        HttpVersion.HTTP_1_1, error.status, Unpooled.copiedBuffer(error.json(), StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    send(ctx, response, true, cors, handshake);
  }

  static void send(
      ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive, Cors cors, Handshake handshake) {
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    response.headers().set("X-Content-Type-Options", "nosniff");
    cors.apply(response, handshake);
    if (keepAlive) {
      HttpUtil.setKeepAlive(response, true);
      ctx.writeAndFlush(response);
    } else {
      // Said, not only done: a client (Node's pooling agent) that reads no "Connection: close" keeps
      // the socket for its next request, which then finds it closed ("socket hang up").
      HttpUtil.setKeepAlive(response, false);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
