package dev.parley.chat.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.Handshake;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a handshake keeps, which every connection holds for its whole life. */
class HandshakesTest {
  private static HttpHeaders browser() {
    return new DefaultHttpHeaders()
        .add("Host", "chat.example.org")
        .add("Origin", "https://chat.example.org")
        .add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
        .add("Upgrade", "websocket")
        .add("Connection", "Upgrade")
        .add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        .add("Sec-WebSocket-Version", "13")
        .add("Content-Length", "0"); // as the HTTP aggregator hands an upgrade on
  }

  @Test
  void handshakesOfSharedValuesOnlyShareTheirMaps() {
    String uri = "/socket.io/?EIO=4&transport=websocket";
    Handshake a = Handshakes.of("10.0.0.1", uri, browser());
    Handshake b = Handshakes.of("10.0.0.2", uri, browser());
    assertThat(a.query()).isEqualTo(Map.of("EIO", List.of("4"), "transport", List.of("websocket")))
        .isSameAs(b.query());
    assertThat(a.headers()).isEqualTo(Map.of(
            "host", List.of("chat.example.org"),
            "origin", List.of("https://chat.example.org"),
            "user-agent", List.of("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"),
            "content-length", List.of("0")))
        .isSameAs(b.headers());
    assertThat(a.remoteAddress()).isEqualTo("10.0.0.1");
    assertThat(b.remoteAddress()).isEqualTo("10.0.0.2");
  }

  /** A cookie or a token may be a secret: a map that holds one is the connection's own. */
  @Test
  void aMapWithAValueOfItsOwnIsNotShared() {
    Handshake a = Handshakes.of("10.0.0.1", "/chat?token=abc", browser().add("Cookie", "session=1"));
    Handshake b = Handshakes.of("10.0.0.1", "/chat?token=abc", browser().add("Cookie", "session=1"));
    assertThat(a.headers()).isEqualTo(b.headers()).isNotSameAs(b.headers());
    assertThat(a.headers().get("cookie")).containsExactly("session=1");
    assertThat(a.query()).isEqualTo(b.query()).isNotSameAs(b.query());
    assertThat(a.query("token")).contains("abc");
  }
}
