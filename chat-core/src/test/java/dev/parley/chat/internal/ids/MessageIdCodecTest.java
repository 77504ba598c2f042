package dev.parley.chat.internal.ids;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageIdCodecTest {

  @Test
  void idsSpellTheirNumbersAndSortLikeThem() {
    long millis = 1_800_000_000_000L;
    String first = MessageIdCodec.encode(millis << 12);
    String next = MessageIdCodec.encode(millis << 12 | 1);
    assertThat(first).hasSize(13).isLessThan(next);
    assertThat(MessageIdCodec.decode(next)).isEqualTo(millis << 12 | 1);
    assertThat(MessageIdCodec.millis(MessageIdCodec.decode(next))).isEqualTo(millis);
    assertThat(MessageIdCodec.decode("000000000000Z")).isEqualTo(31);
    assertThat(MessageIdCodec.decode("7ZZZZZZZZZZZZ")).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void textThatIsNoIdDecodesToMinusOne() {
    assertThat(MessageIdCodec.decode(null)).isEqualTo(-1);
    assertThat(MessageIdCodec.decode("not-an-id")).isEqualTo(-1);
    assertThat(MessageIdCodec.decode("00000000000000")).as("14 digits").isEqualTo(-1);
    assertThat(MessageIdCodec.decode("8000000000000")).as("65 bits").isEqualTo(-1);
    assertThat(MessageIdCodec.decode("000000000000I")).as("no Crockford digit").isEqualTo(-1);
    assertThat(MessageIdCodec.decode("000000000000a")).as("lower case").isEqualTo(-1);
  }
}
