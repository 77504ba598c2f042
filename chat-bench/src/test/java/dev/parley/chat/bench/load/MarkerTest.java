package dev.parley.chat.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MarkerTest {
  private static ByteBuf frame(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
  }

  @Test
  void readsBothStampsFromADeliveryFrame() {
    long before = System.nanoTime();
    String text = Marker.text(-123456789L, 64);
    ByteBuf f = frame("42[\"new message\",{\"id\":\"7\",\"room\":\"r-1\",\"username\":\"u-1\",\"message\":\"" + text + "\"}]");

    assertThat(text).hasSize(64);
    assertThat(Marker.read(f)).isEqualTo(-123456789L);
    assertThat(Marker.readActual(f)).isBetween(before, System.nanoTime());
  }

  @Test
  void aFrameWithoutAMarkerHasNone() {
    assertThat(Marker.read(frame("{\"type\":\"message\",\"message\":{\"kind\":\"notice\",\"text\":\"a has joined\"}}")))
        .isEqualTo(Marker.NONE);
    assertThat(Marker.read(frame("~12x~"))).isEqualTo(Marker.NONE);
    assertThat(Marker.readActual(frame("~12~"))).isEqualTo(Marker.NONE);
  }
}
