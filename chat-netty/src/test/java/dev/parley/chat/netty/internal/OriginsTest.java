package dev.parley.chat.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Same-origin checks, asked in turns of different origins and hosts: each answer is its own pair's. */
class OriginsTest {

  @Test
  void eachPairGetsItsOwnAnswerWhateverWasAskedBefore() {
    for (int round = 0; round < 3; round++) {
      assertThat(Origins.allowed("http://chat.example", "chat.example", Set.of())).isTrue();
      assertThat(Origins.allowed("http://chat.example", "chat.example", Set.of())).isTrue();
      assertThat(Origins.allowed("http://evil.example", "chat.example", Set.of())).isFalse();
      assertThat(Origins.allowed("http://chat.example", "other.example", Set.of())).isFalse();
      assertThat(Origins.allowed("https://chat.example", "chat.example:443", Set.of())).isTrue();
      assertThat(Origins.allowed("https://chat.example", "chat.example:80", Set.of())).isFalse();
      assertThat(Origins.allowed("http://CHAT.example:8080", "chat.EXAMPLE:8080", Set.of())).isTrue();
      assertThat(Origins.allowed("not a uri", "chat.example", Set.of())).isFalse();
      assertThat(Origins.allowed("http://chat.example", null, Set.of())).isFalse();
      assertThat(Origins.allowed("http://chat.example", "chat.example", Set.of("http://else.example"))).isFalse();
      assertThat(Origins.allowed("http://else.example", "chat.example", Set.of("http://else.example"))).isTrue();
      assertThat(Origins.allowed("http://any.example", "chat.example", Set.of("*"))).isTrue();
      assertThat(Origins.allowed(null, "chat.example", Set.of())).isTrue();
    }
  }
}
