package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Plain HTTP on the same port: static files, and clear answers to everything else. */
class HttpIT {
  private static TestServer server;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    server = new TestServer(b -> {}, n -> n.staticResources("static-test"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theIndexPageIsServedAtTheRoot() throws Exception {
    HttpResponse<String> r = get("/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(r.body()).contains("static test page");
  }

  @Test
  void otherFilesGetTheirContentType() throws Exception {
    HttpResponse<String> r = get("/app.js");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
  }

  @Test
  void missingFilesAndPathTricksAre404() throws Exception {
    assertThat(get("/nope.html").statusCode()).isEqualTo(404);
    assertThat(get("/../secret.txt").statusCode()).isEqualTo(404);
    assertThat(get("/%2e%2e/secret.txt").statusCode()).isEqualTo(404);
    assertThat(get("/.hidden").statusCode()).isEqualTo(404);
  }

  @Test
  void theWebSocketPathWithoutAnUpgradeIs426() throws Exception {
    assertThat(get("/chat").statusCode()).isEqualTo(426);
  }

  @Test
  void largeBodiesOutsideLongPollingAre413() throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
        .POST(HttpRequest.BodyPublishers.ofString("x".repeat(70_000))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(413);
  }

  @Test
  void otherMethodsAre405() throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(405);
  }

  /** Sends one raw request line (clients like HttpClient refuse to send such URIs) and reads the status line. */
  private static String rawStatusLine(String target) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000); // a hang fails the test instead of blocking it
      socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      return in.readLine();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/%zz", "/socket.io/?EIO=4&transport=polling&t=%", "/chat?name=%e"})
  void malformedPercentEscapesInTheUriAre400(String target) throws Exception {
    // Found by fuzzing Handshakes: Netty's URI decoder threw, the request went unanswered until the
    // idle timeout, and the exception reached the pipeline's end (logged at WARN).
    assertThat(rawStatusLine(target)).isEqualTo("HTTP/1.1 400 Bad Request");
  }
}
