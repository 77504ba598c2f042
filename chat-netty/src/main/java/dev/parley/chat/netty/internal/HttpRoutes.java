package dev.parley.chat.netty.internal;

import dev.parley.chat.internal.concurrent.Threads;
import dev.parley.chat.internal.logging.LogText;
import dev.parley.chat.netty.HttpRoute;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The application's {@link HttpRoute}s by exact path, run on a worker executor. */
final class HttpRoutes {
  private static final Logger log = LoggerFactory.getLogger(HttpRoutes.class);

  private final Map<String, HttpRoute> routes;
  private final Executor executor;

  HttpRoutes(Map<String, HttpRoute> routes, Executor executor) {
    this.routes = Map.copyOf(routes);
    this.executor = executor;
  }

  boolean matches(String path) {
    return routes.containsKey(path);
  }

  /** Copies the request off the channel, runs the route on the executor, writes its answer. */
  void handle(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
    HttpRoute route = routes.get(path);
    QueryStringDecoder decoder = new QueryStringDecoder(request.uri());
    Map<String, List<String>> headers = new LinkedHashMap<>();
    request.headers().forEach(h ->
        headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.getValue()));
    HttpRoute.Request copy = new HttpRoute.Request(request.method().name(), path, decoder.parameters(), headers,
        ByteBufUtil.getBytes(request.content()));
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    // No further request is read from this connection until this one is answered, so responses
    // keep the order of requests even if a client pipelines them.
    ctx.channel().config().setAutoRead(false);
    try {
      executor.execute(() -> {
        FullHttpResponse response;
        try {
          HttpRoute.Response answer = route.handle(copy);
          response = answer == null ? HttpRequestHandler.text(HttpResponseStatus.NOT_FOUND, "Not found\n") : netty(answer);
        } catch (Throwable e) {
          Threads.rethrowIfFatal(e);
          log.error("HTTP route {} failed", LogText.of(path), e);
          response = HttpRequestHandler.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "Internal server error\n");
        }
        FullHttpResponse done = response;
        ctx.executor().execute(() -> {
          HttpRequestHandler.send(ctx, null, done, keepAlive);
          ctx.channel().config().setAutoRead(true);
        });
      });
    } catch (RejectedExecutionException e) {
      ctx.channel().config().setAutoRead(true);
      HttpRequestHandler.respond(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, "Shutting down\n", false);
    }
  }

  private static FullHttpResponse netty(HttpRoute.Response answer) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(answer.status()), Unpooled.wrappedBuffer(answer.body()));
    answer.headers().forEach((name, values) -> response.headers().add(name, values));
    return response;
  }
}
