package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.socketio.SocketIoConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The socket.io client bundle under the Socket.IO path (SocketIoConfig.serveClient), as socket.io's
 * serveClient serves it: the real files of the socket.io-client package the build put in the jar,
 * their headers, ETag revalidation, gzip, and 404 once switched off.
 */
class SocketIoServeClientIT {
  /** The socket.io-client version chat-netty/pom.xml pins, which the JavaScript tests use too. */
  private static final String VERSION = "4.8.1";
  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  /** At the defaults, for every test that needs no other configuration. */
  private static NettyChatServer server;

  @BeforeAll
  static void start() {
    server = start(SocketIoConfig.defaults());
  }

  @AfterAll
  static void stop() {
    server.stop().toCompletableFuture().join();
  }

  private static NettyChatServer start(SocketIoConfig socketIo) {
    NettyConfig config = NettyConfig.builder().host("127.0.0.1").port(0).build();
    return NettyChatServer.builder(config).socketIo(socketIo).build().start().toCompletableFuture().join();
  }

  private static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    return get(server, path, headers);
  }

  private static HttpResponse<byte[]> get(NettyChatServer on, String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + on.port() + path));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket.io.js", "socket.io.min.js", "socket.io.esm.min.js", "socket.io.msgpack.min.js",
      "socket.io.js.map", "socket.io.min.js.map", "socket.io.esm.min.js.map", "socket.io.msgpack.min.js.map"})
  void servesEachFileWithSocketIosHeaders(String file) throws Exception {
    HttpResponse<byte[]> response = get("/socket.io/" + file);

    assertThat(response.statusCode()).isEqualTo(200);
    boolean map = file.endsWith(".map");
    assertThat(response.headers().firstValue("content-type"))
        .hasValue(map ? "application/json; charset=utf-8" : "application/javascript; charset=utf-8");
    assertThat(response.headers().firstValue("etag")).hasValue("\"" + VERSION + "\"");
    assertThat(response.headers().firstValue("cache-control")).hasValue("public, max-age=0");
    assertThat(response.headers().firstValue("content-encoding")).isEmpty();
    String body = new String(response.body(), StandardCharsets.UTF_8);
    assertThat(response.body().length).isGreaterThan(30_000);
    if (map) {
      assertThat(body).startsWith("{\"version\":3,");
      return;
    }
    // Each bundle starts with the package's banner, which names its version.
    assertThat(body).startsWith("/*!\n * Socket.IO v" + VERSION + "\n");
    if (file.equals("socket.io.js")) {
      // The unminified UMD bundle, which defines the global io for a script tag.
      assertThat(body).contains("global.io = factory()").contains("sourceMappingURL=socket.io.js.map");
    }
    if (file.contains("esm")) {
      assertThat(body).contains("export{");
    }
  }

  @Test
  void answers304ToIfNoneMatchOfThisVersionStrongOrWeak() throws Exception {

    for (String tag : new String[] {"\"" + VERSION + "\"", "W/\"" + VERSION + "\"", "\"other\", \"" + VERSION + "\""}) {
      HttpResponse<byte[]> response = get("/socket.io/socket.io.js", "If-None-Match", tag);
      assertThat(response.statusCode()).as(tag).isEqualTo(304);
      assertThat(response.body()).as(tag).isEmpty();
      assertThat(response.headers().firstValue("etag")).as(tag).hasValue("\"" + VERSION + "\"");
    }
    // The connection stays usable after a 304, which has no body (and no Content-Length to say so).
    assertThat(get("/socket.io/socket.io.js").statusCode()).isEqualTo(200);
    // Another version's tag (a client cached under an older server): the file again.
    assertThat(get("/socket.io/socket.io.js", "If-None-Match", "\"4.0.0\"").statusCode()).isEqualTo(200);
  }

  @Test
  void gzipsForAClientThatAcceptsIt() throws Exception {
    byte[] plain = get("/socket.io/socket.io.min.js").body();

    HttpResponse<byte[]> gzipped = get("/socket.io/socket.io.min.js", "Accept-Encoding", "gzip, deflate, br");
    assertThat(gzipped.statusCode()).isEqualTo(200);
    assertThat(gzipped.headers().firstValue("content-encoding")).hasValue("gzip");
    assertThat(gzipped.headers().firstValue("vary")).hasValueSatisfying(v -> assertThat(v).containsIgnoringCase("accept-encoding"));
    assertThat(gzipped.body().length).isLessThan(plain.length / 2);
    assertThat(gunzip(gzipped.body())).isEqualTo(plain);

    HttpResponse<byte[]> refused = get("/socket.io/socket.io.min.js", "Accept-Encoding", "gzip;q=0, identity");
    assertThat(refused.headers().firstValue("content-encoding")).isEmpty();
    assertThat(refused.body()).isEqualTo(plain);
  }

  @Test
  void followsTheSocketIoPathAndAQueryString() throws Exception {
    NettyChatServer other = start(SocketIoConfig.builder().path("/rt/").build());
    try {
      HttpResponse<byte[]> response = get(other, "/rt/socket.io.js?v=1");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(new String(response.body(), StandardCharsets.UTF_8)).startsWith("/*!\n * Socket.IO v" + VERSION);
      assertThat(get(other, "/socket.io/socket.io.js").statusCode()).isEqualTo(404);
      // Only the bundle's files: other names under the path are not files.
      assertThat(get(other, "/rt/socket.io.esm.js").statusCode()).isEqualTo(404);
      assertThat(get(other, "/rt/LICENSE").statusCode()).isEqualTo(404);
      assertThat(get(other, "/rt/version").statusCode()).isEqualTo(404);
      // The Engine.IO endpoint itself is unchanged.
      assertThat(new String(get(other, "/rt/?EIO=4&transport=polling").body(), StandardCharsets.UTF_8))
          .startsWith("0{\"sid\":");
    } finally {
      other.stop().toCompletableFuture().join();
    }
  }

  @Test
  void headGivesTheHeadersAndOtherMethodsAreRefused() throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.port() + "/socket.io/socket.io.js");

    HttpResponse<byte[]> head = HTTP.send(HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("etag")).hasValue("\"" + VERSION + "\"");
    assertThat(head.headers().firstValueAsLong("content-length")).hasValue(get("/socket.io/socket.io.js").body().length);

    HttpResponse<byte[]> post = HTTP.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void serveClientFalseAnswers404() throws Exception {
    NettyChatServer off = start(SocketIoConfig.builder().serveClient(false).build());
    try {
      for (String file : new String[] {"socket.io.js", "socket.io.min.js", "socket.io.esm.min.js",
          "socket.io.msgpack.min.js", "socket.io.js.map"}) {
        assertThat(get(off, "/socket.io/" + file).statusCode()).as(file).isEqualTo(404);
      }
      assertThat(new String(get(off, "/socket.io/?EIO=4&transport=polling").body(), StandardCharsets.UTF_8))
          .startsWith("0{\"sid\":");
    } finally {
      off.stop().toCompletableFuture().join();
    }
  }

  private static byte[] gunzip(byte[] gzipped) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
      return in.readAllBytes();
    }
  }
}
