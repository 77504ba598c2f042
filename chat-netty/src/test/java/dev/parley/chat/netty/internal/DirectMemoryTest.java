package dev.parley.chat.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DirectMemoryTest {
  @Test
  void readsTheJvmsSizeSyntax() {
    assertThat(DirectMemory.parseSize("512m")).isEqualTo(512L << 20);
    assertThat(DirectMemory.parseSize("2G")).isEqualTo(2L << 30);
    assertThat(DirectMemory.parseSize("64k")).isEqualTo(64L << 10);
    assertThat(DirectMemory.parseSize("1048576")).isEqualTo(1L << 20);
  }

  @Test
  void aSizeItCannotReadFallsBackToTheMaximumHeap() {
    assertThat(DirectMemory.parseSize("lots")).isEqualTo(Runtime.getRuntime().maxMemory());
  }
}
