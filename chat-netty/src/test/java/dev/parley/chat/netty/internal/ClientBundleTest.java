package dev.parley.chat.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which Accept-Encoding headers get the socket.io client bundle gzipped (SocketIoServeClientIT serves it). */
class ClientBundleTest {
  @Test
  void gzipWhenNamedOrCoveredByAStarWithoutQZero() {
    assertThat(ClientBundle.acceptsGzip(List.of("gzip, deflate, br"))).isTrue();
    assertThat(ClientBundle.acceptsGzip(List.of("br;q=1.0, GZIP;q=0.5"))).isTrue();
    assertThat(ClientBundle.acceptsGzip(List.of("x-gzip"))).isTrue();
    assertThat(ClientBundle.acceptsGzip(List.of("identity", "*"))).isTrue();
    assertThat(ClientBundle.acceptsGzip(List.of("*;q=0, gzip"))).as("named beats the star").isTrue();
  }

  @Test
  void plainWithoutGzipOrWithQZero() {
    assertThat(ClientBundle.acceptsGzip(List.of())).isFalse();
    assertThat(ClientBundle.acceptsGzip(List.of("identity"))).isFalse();
    assertThat(ClientBundle.acceptsGzip(List.of("deflate, br"))).isFalse();
    assertThat(ClientBundle.acceptsGzip(List.of("gzip;q=0"))).isFalse();
    assertThat(ClientBundle.acceptsGzip(List.of("gzip; q=0.000, *"))).as("named beats the star").isFalse();
    assertThat(ClientBundle.acceptsGzip(List.of("*;q=0"))).isFalse();
    assertThat(ClientBundle.acceptsGzip(List.of("gzipped"))).as("another coding").isFalse();
  }
}
