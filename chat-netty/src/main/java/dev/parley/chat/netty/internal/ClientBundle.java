package dev.parley.chat.netty.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The official socket.io client bundle, served under the Socket.IO path as socket.io's {@code
 * serveClient} does: {@code socket.io.js}, {@code socket.io.min.js}, {@code socket.io.esm.min.js},
 * {@code socket.io.msgpack.min.js} and their source maps. The build puts the files of the
 * socket.io-client package into the jar (chat-netty/pom.xml); they are read once per class loader,
 * with their gzip forms, the first time a server that serves them is built, so that no request
 * reads a file or compresses anything. Immutable once loaded; safe on any thread.
 */
final class ClientBundle {
  private static final Logger log = LoggerFactory.getLogger(ClientBundle.class);
  private static final String ROOT = "socketio/client/";
  private static final List<String> SCRIPTS =
      List.of("socket.io.js", "socket.io.min.js", "socket.io.esm.min.js", "socket.io.msgpack.min.js");

  /** One file: its type and its bytes, plain and gzipped. */
  private record File(String contentType, byte[] plain, byte[] gzipped) {}

  /** The socket.io-client version, quoted: socket.io's ETag. */
  private final String etag;
  private final Map<String, File> files;

  private ClientBundle(String version, Map<String, File> files) {
    this.etag = "\"" + version + "\"";
    this.files = Map.copyOf(files);
  }

  /** Loaded on first use by the holder idiom: once per class loader, and only if some server serves it. */
  private static final class Holder {
    static final Optional<ClientBundle> BUNDLE = load();
  }

  /**
   * The bundle, or empty if the jar has none (a build that skipped chat-netty's generate-resources
   * step, such as an IDE's own): the server then answers 404 for the client files, and says why
   * once.
   */
  static Optional<ClientBundle> get() {
    return Holder.BUNDLE;
  }

  private static Optional<ClientBundle> load() {
    Optional<byte[]> version = read("version");
    if (version.isEmpty()) {
      log.warn("The socket.io client bundle is not on the class path (chat-netty built without Maven's "
          + "generate-resources phase?): socket.io.js and the other client files under the Socket.IO path answer 404");
      return Optional.empty();
    }
    Map<String, File> files = new LinkedHashMap<>();
    for (String script : SCRIPTS) {
      // socket.io-client ships each of these with its map; a version without one is served without it.
      read(script).ifPresent(bytes -> files.put(script, file("application/javascript; charset=utf-8", bytes)));
      read(script + ".map").ifPresent(bytes -> files.put(script + ".map", file("application/json; charset=utf-8", bytes)));
    }
    return Optional.of(new ClientBundle(new String(version.get(), StandardCharsets.UTF_8).trim(), files));
  }

  private static File file(String contentType, byte[] plain) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 3);
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new File(contentType, plain, out.toByteArray());
  }

  private static Optional<byte[]> read(String name) {
    try (InputStream in = ClientBundle.class.getResourceAsStream(ROOT + name)) {
      return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the socket.io client file " + name, e);
    }
  }

  /** Whether {@code name}, the request path after the Socket.IO path, is one of the client files. */
  boolean has(String name) {
    return files.containsKey(name);
  }

  /**
   * Answers a request for the client file {@code name} ({@link #has} must hold): 304 when the
   * request's {@code If-None-Match} names this version, else the file, gzipped if the request
   * accepts gzip. Headers as socket.io's: {@code Cache-Control: public, max-age=0}, so a browser
   * asks again each time and gets a 304 until the server's client version changes.
   */
  void serve(ChannelHandlerContext ctx, FullHttpRequest request, String name) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    boolean head = request.method().equals(HttpMethod.HEAD);
    if (!head && !request.method().equals(HttpMethod.GET)) {
      FullHttpResponse refusal = HttpRequestHandler.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "Method not allowed\n");
      refusal.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      HttpRequestHandler.send(ctx, request, refusal, keepAlive);
      return;
    }
    File file = files.get(name);
    if (matches(request.headers().getAll(HttpHeaderNames.IF_NONE_MATCH))) {
      FullHttpResponse notModified =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED, Unpooled.EMPTY_BUFFER);
      notModified.headers().set(HttpHeaderNames.ETAG, etag);
      notModified.headers().set(HttpHeaderNames.CACHE_CONTROL, "public, max-age=0");
      // Not through HttpRequestHandler.send, which would add "Content-Length: 0": a 304's
      // Content-Length, if any, is the file's, and a 304 never has a body, so none is needed.
      HttpUtil.setKeepAlive(notModified, keepAlive);
      ChannelFuture written = ctx.writeAndFlush(notModified);
      if (!keepAlive) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
      return;
    }
    boolean gzip = acceptsGzip(request.headers().getAll(HttpHeaderNames.ACCEPT_ENCODING));
    byte[] body = gzip ? file.gzipped() : file.plain();
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
        head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, file.contentType());
    response.headers().set(HttpHeaderNames.ETAG, etag);
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "public, max-age=0");
    response.headers().set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
    if (gzip) {
      response.headers().set(HttpHeaderNames.CONTENT_ENCODING, "gzip");
    }
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    HttpRequestHandler.send(ctx, request, response, keepAlive);
  }

  /** Whether some If-None-Match value names this version: strong or weak ("W/"), or "*". */
  private boolean matches(List<String> ifNoneMatch) {
    for (String header : ifNoneMatch) {
      for (String tag : header.split(",")) {
        String t = tag.trim();
        if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether Accept-Encoding accepts gzip: named without {@code q=0}, or not named and "*" without
   * {@code q=0}.
   */
  static boolean acceptsGzip(List<String> acceptEncoding) {
    Boolean gzip = null;
    Boolean any = null;
    for (String header : acceptEncoding) {
      for (String coding : header.split(",")) {
        String[] parts = coding.split(";");
        String name = parts[0].trim().toLowerCase(Locale.ROOT);
        boolean accepted = true;
        for (int i = 1; i < parts.length; i++) {
          String param = parts[i].replace(" ", "").toLowerCase(Locale.ROOT);
          if (param.startsWith("q=")) {
            accepted = !param.substring(2).matches("0(\\.0{0,3})?");
          }
        }
        if (name.equals("gzip") || name.equals("x-gzip")) {
          gzip = accepted;
        } else if (name.equals("*")) {
          any = accepted;
        }
      }
    }
    return gzip != null ? gzip : any != null && any;
  }
}
