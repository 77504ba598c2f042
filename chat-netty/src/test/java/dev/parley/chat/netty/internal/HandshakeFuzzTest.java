package dev.parley.chat.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.chat.Handshake;
import dev.parley.chat.netty.HttpRoute;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuzzes what is parsed from a handshake request (docs/fuzzing.md): its query (Handshakes), headers
 * and cookies (Handshake, Handshake, HttpRoute.Request), form bodies (HttpRoute.Request),
 * and its origin (Origins, Cors). The input is the request URI, then header lines ({@code name:
 * value}), then after an empty line a body, separated by line feeds. The contract: nothing here ever
 * throws for what Netty's HTTP decoder lets through; the one refusal is a URI whose percent-escapes
 * are malformed, which HttpRequestHandler answers with 400 before any of this runs.
 */
class HandshakeFuzzTest {
  private static final String REMOTE = "127.0.0.1";
  private static final List<Set<String>> ALLOWED =
      List.of(Set.of(), Set.of("*"), Set.of("https://chat.example.com", "http://localhost:8080"));

  @FuzzTest(maxDuration = "10s")
  void parse(byte[] input) {
    String[] lines = new String(input, StandardCharsets.UTF_8).split("\n", -1);
    String uri = lines[0];
    HttpHeaders headers = new DefaultHttpHeaders();
    int i = 1;
    for (; i < lines.length && !lines[i].isEmpty(); i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        continue;
      }
      try {
        headers.add(lines[i].substring(0, colon), lines[i].substring(colon + 1).trim());
      } catch (IllegalArgumentException notAHeaderNettyWouldDecode) {
        // Netty's HTTP decoder refuses such names and values before a handler sees them.
      }
    }
    String body = i + 1 < lines.length ? String.join("\n", List.of(lines).subList(i + 1, lines.length)) : "";

    if (!Handshakes.uriDecodes(uri)) {
      return; // refused with 400 by HttpRequestHandler; Handshakes never sees it
    }
    Handshake handshake = Handshakes.of(REMOTE, uri, headers);
    assertThat(handshake.remoteAddress()).isEqualTo(REMOTE);
    handshake.query("EIO");
    handshake.query("sid");
    handshake.cookies().forEach((name, value) -> assertThat(handshake.cookie(name)).contains(value));

    QueryStringDecoder decoder = new QueryStringDecoder(uri);
    HttpRoute.Request request = new HttpRoute.Request("POST", decoder.path(), decoder.parameters(),
        handshake.headers(), body.getBytes(StandardCharsets.UTF_8));
    request.cookie("parley.sid");
    request.form();

    String origin = handshake.header("origin").orElse(null);
    String host = handshake.header("host").orElse(null);
    for (Set<String> allowed : ALLOWED) {
      boolean ok = Origins.allowed(origin, host, allowed);
      if (origin == null || allowed.contains("*")) {
        assertThat(ok).isTrue();
      }
      Cors cors = new Cors(allowed);
      DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      cors.apply(response, handshake);
      if (origin != null && !cors.originAllowed(origin, handshake)) {
        assertThat(response.headers().contains("access-control-allow-origin")).isFalse();
      }
    }
  }
}
