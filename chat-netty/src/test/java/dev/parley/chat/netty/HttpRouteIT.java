package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.socketio.SocketIoConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Application HTTP routes: what they receive, what they answer, failures, and that they may block. */
class HttpRouteIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private NettyChatServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop().toCompletableFuture().join();
    }
  }

  private NettyChatServer start(NettyChatServer.Builder builder) {
    server = builder.build().start().toCompletableFuture().join();
    return server;
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
  }

  @Test
  void aRouteSeesMethodPathQueryHeadersCookiesAndFormAndSetsStatusHeadersAndBody() throws Exception {
    start(NettyChatServer.builder(NettyConfig.builder().host("127.0.0.1").port(0).build())
        .httpRoute("/login", request -> HttpRoute.Response.text(201, String.join("|",
                request.method(), request.path(), request.query("next").orElse("-"),
                request.header("X-Test").orElse("-"), request.cookie("b").orElse("-"),
                request.form().get("username"), request.form().get("password")))
            .withHeader("Set-Cookie", "sid=abc; HttpOnly")
            .withHeader("Set-Cookie", "other=1")));

    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/login?next=%2Fchat"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("x-test", "yes")
        .header("Cookie", "a=1; b=two")
        .POST(HttpRequest.BodyPublishers.ofString("username=ann+lee&password=p%26ss")));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.body()).isEqualTo("POST|/login|/chat|yes|two|ann lee|p&ss");
    assertThat(response.headers().allValues("set-cookie")).containsExactly("sid=abc; HttpOnly", "other=1");
    assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
  }

  @Test
  void redirectsNotFoundAndFailures() throws Exception {
    start(NettyChatServer.builder(NettyConfig.builder().host("127.0.0.1").port(0).build())
        .httpRoute("/", request -> HttpRoute.Response.redirect("/chat"))
        .httpRoute("/nothing", request -> null)
        .httpRoute("/broken", request -> {
          throw new IllegalStateException("boom");
        }));

    HttpResponse<String> redirect = send(HttpRequest.newBuilder(uri("/")));
    assertThat(redirect.statusCode()).isEqualTo(302);
    assertThat(redirect.headers().firstValue("location")).hasValue("/chat");
    assertThat(send(HttpRequest.newBuilder(uri("/nothing"))).statusCode()).isEqualTo(404);
    assertThat(send(HttpRequest.newBuilder(uri("/broken"))).statusCode()).isEqualTo(500);
    assertThat(send(HttpRequest.newBuilder(uri("/unrouted"))).statusCode()).isEqualTo(404);
  }

  @Test
  void aBlockingRouteHoldsUpNeitherOtherRoutesNorSocketIo() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    start(NettyChatServer.builder(NettyConfig.builder().host("127.0.0.1").port(0).ioThreads(1).build())
        .socketIo(SocketIoConfig.defaults())
        .httpRoute("/slow", request -> {
          release.await(10, TimeUnit.SECONDS);
          return HttpRoute.Response.text(200, "slow");
        })
        .httpRoute("/fast", request -> HttpRoute.Response.html("<p>fast</p>")));

    var slow = HTTP.sendAsync(HttpRequest.newBuilder(uri("/slow")).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> fast = send(HttpRequest.newBuilder(uri("/fast")));
    assertThat(fast.body()).isEqualTo("<p>fast</p>");
    HttpResponse<String> handshake = send(HttpRequest.newBuilder(uri("/socket.io/?EIO=4&transport=polling")));
    assertThat(handshake.statusCode()).isEqualTo(200);
    assertThat(slow).isNotDone();
    release.countDown();
    assertThat(slow.get(10, TimeUnit.SECONDS).body()).isEqualTo("slow");
  }

  @Test
  void requestAndResponseAreImmutableCopies() {
    byte[] body = {1, 2};
    HttpRoute.Request request = new HttpRoute.Request("GET", "/", Map.of(), Map.of("X-A", List.of("1")), body);
    body[0] = 9;
    assertThat(request.body()).containsExactly(1, 2);
    assertThat(request.header("x-a")).hasValue("1");
    assertThat(request.form()).isEmpty();
    assertThatThrownBy(() -> new HttpRoute.Response(42, Map.of(), null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NettyChatServer.builder(NettyConfig.builder().build()).httpRoute("x", r -> null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRouteSlowerThanTheIdleTimeoutStillAnswers() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    start(NettyChatServer.builder(NettyConfig.builder().host("127.0.0.1").port(0)
            .handshakeTimeout(java.time.Duration.ofMillis(200)).build())
        .httpRoute("/slow", request -> {
          // The route's own work takes longer than the connection's idle timeout.
          assertThat(never.await(600, TimeUnit.MILLISECONDS)).isFalse();
          return HttpRoute.Response.text(200, "worth the wait");
        }));

    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/slow")));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("worth the wait");
  }
}
