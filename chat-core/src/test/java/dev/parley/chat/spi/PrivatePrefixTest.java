package dev.parley.chat.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.cluster.MessageIds;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one {@code @name text} grammar that the chat server and the Socket.IO bridge both read. */
class PrivatePrefixTest {

  @Test
  void readsTheNameAndTheRestAfterTheWhitespace() {
    assertThat(PrivatePrefix.parse("@bob hi there")).contains(new PrivatePrefix("bob", "hi there"));
    assertThat(PrivatePrefix.parse("@Zoë_1.x-y\n two\nlines")).contains(new PrivatePrefix("Zoë_1.x-y", "two\nlines"));
    assertThat(PrivatePrefix.parse("@bob   ")).contains(new PrivatePrefix("bob", ""));
  }

  @Test
  void isNoPrivateMessageWithoutTheNameAndWhitespaceRightAtTheStart() {
    assertThat(PrivatePrefix.parse("@bob")).isEmpty();
    assertThat(PrivatePrefix.parse(" @bob hi")).as("leading whitespace, on every protocol").isEmpty();
    assertThat(PrivatePrefix.parse("@ hi")).isEmpty();
    assertThat(PrivatePrefix.parse("@bo!b hi")).isEmpty();
    assertThat(PrivatePrefix.parse("hi @bob")).isEmpty();
    assertThat(PrivatePrefix.parse("")).isEmpty();
    assertThat(PrivatePrefix.parse(null)).isEqualTo(Optional.empty());
  }

  @Test
  void messageIdsAreTheTextTheServerMakes() {
    assertThat(MessageIds.isId(MessageIds.format(MessageIds.next(0, 1_795_320_117_563L)))).isTrue();
    assertThat(MessageIds.isId("006H02TQS7C00")).isTrue();
    assertThat(MessageIds.isId("006H02TQS7C0")).isFalse();
    assertThat(MessageIds.isId("006H02TQS7CU0")).as("U is no Crockford digit").isFalse();
    assertThat(MessageIds.isId("906H02TQS7C00")).as("more than 64 bits").isFalse();
    assertThat(MessageIds.isId(null)).isFalse();
  }
}
