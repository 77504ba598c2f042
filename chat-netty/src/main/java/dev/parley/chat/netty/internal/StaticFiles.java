package dev.parley.chat.netty.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** Serves files from a class-path folder, read once and kept in memory. */
final class StaticFiles {
  /** Plain file names in plain folders: no "..", no backslashes, no encoded tricks. */
  private static final Pattern SAFE_PATH = Pattern.compile("(/[A-Za-z0-9_\\-][A-Za-z0-9_.\\-]*)+");
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "png", "image/png",
      "svg", "image/svg+xml",
      "ico", "image/x-icon",
      "json", "application/json");
  /** The example page connects back to its own host; nothing else is needed. */
  private static final String CSP =
      "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; object-src 'none'; base-uri 'none'";

  private final String root;
  private final ClassLoader loader;
  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

  StaticFiles(String root, ClassLoader loader) {
    this.root = root.replaceAll("^/+|/+$", "");
    this.loader = loader;
  }

  void serve(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
      HttpRequestHandler.respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "Method not allowed\n", keepAlive);
      return;
    }
    String file = path.equals("/") ? "/index.html" : path;
    Optional<byte[]> body = SAFE_PATH.matcher(file).matches() ? find(file) : Optional.empty();
    if (body.isEmpty()) {
      HttpRequestHandler.respond(ctx, request, HttpResponseStatus.NOT_FOUND, "Not found\n", keepAlive);
      return;
    }
    boolean head = request.method().equals(HttpMethod.HEAD);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
        head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body.get()));
    String extension = file.substring(file.lastIndexOf('.') + 1);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, TYPES.getOrDefault(extension, "application/octet-stream"));
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    response.headers().set("Content-Security-Policy", CSP);
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.get().length);
    HttpRequestHandler.send(ctx, request, response, keepAlive);
  }

  /** Only files that exist are cached, so probing random paths cannot grow the cache. */
  private Optional<byte[]> find(String file) {
    byte[] cached = cache.get(file);
    if (cached != null) {
      return Optional.of(cached);
    }
    try (InputStream in = loader.getResourceAsStream(root + file)) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] bytes = in.readAllBytes();
      cache.put(file, bytes);
      return Optional.of(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
