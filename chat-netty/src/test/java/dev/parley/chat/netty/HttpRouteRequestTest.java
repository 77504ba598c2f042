package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpRouteRequestTest {

  private static HttpRoute.Request form(String body) {
    return new HttpRoute.Request("POST", "/login", Map.of(),
        Map.of("content-type", List.of("application/x-www-form-urlencoded")), body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void formFieldsAreDecoded() {
    assertThat(form("user=ada+l&pass=%C3%A9t%C3%A9&flag&user=other").form())
        .containsExactly(Map.entry("user", "ada l"), Map.entry("pass", "été"), Map.entry("flag", ""));
  }

  @Test
  void aFieldWithAMalformedPercentEscapeIsLeftOut() {
    // Found by fuzzing (HandshakeFuzzTest): URLDecoder's IllegalArgumentException escaped form().
    assertThat(form("user=ada&pass=%C&x%zz=1&n=%").form()).containsExactly(Map.entry("user", "ada"));
  }
}
