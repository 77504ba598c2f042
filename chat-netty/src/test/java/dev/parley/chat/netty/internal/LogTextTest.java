package dev.parley.chat.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.internal.logging.LogText;
import org.junit.jupiter.api.Test;

/** chat-core's log-escaping helper, tested here where it is used: chat-core has no unit tests of its own. */
class LogTextTest {
  @Test
  void plainTextIsKept() {
    assertThat(LogText.escape("alice joined lobby: héllo 😀")).isEqualTo("alice joined lobby: héllo 😀");
    assertThat(LogText.escape(null)).isEqualTo("null");
  }

  @Test
  void controlsAndBidiOverridesBecomeEscapes() {
    assertThat(LogText.escape("a\r\nb\tc\u001b[2J\u0000\u007f\u0085")).isEqualTo("a\\r\\nb\\tc\\u001B[2J\\u0000\\u007F\\u0085");
    assertThat(LogText.escape("user\u202Etxt.exe\u2066\u2028")).isEqualTo("user\\u202Etxt.exe\\u2066\\u2028");
    assertThat(LogText.escape("lone \uD800 surrogate")).isEqualTo("lone \\uD800 surrogate");
  }

  @Test
  void aBackslashIsEscapedSoThatEscapesCannotBeForged() {
    assertThat(LogText.escape("\\n")).isEqualTo("\\\\n");
  }

  @Test
  void longTextIsCut_withoutSplittingASurrogatePair() {
    String cut = LogText.escape("x".repeat(LogText.MAX_CHARS + 10));
    assertThat(cut).isEqualTo("x".repeat(LogText.MAX_CHARS) + "…(10 more)");
    String pairs = LogText.escape("x".repeat(LogText.MAX_CHARS - 1) + "😀😀");
    assertThat(pairs).isEqualTo("x".repeat(LogText.MAX_CHARS - 1) + "😀…(2 more)");
  }

  @Test
  void ofEscapesTheValuesToString() {
    assertThat(LogText.of(new StringBuilder("a\nb")).toString()).isEqualTo("a\\nb");
  }
}
