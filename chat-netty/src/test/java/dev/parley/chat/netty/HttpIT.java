package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
}
