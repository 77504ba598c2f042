package dev.parley.chat.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class MessageIdsTest {

  @Test
  void idsSpellTheirNumbersAndSortLikeThem() {
    long millis = 1_800_000_000_000L;
    String first = MessageIds.format(millis << 12);
    String next = MessageIds.format(millis << 12 | 1);
    assertThat(first).hasSize(13).isLessThan(next);
    assertThat(MessageIds.parse(next)).isEqualTo(millis << 12 | 1);
    assertThat(MessageIds.time(MessageIds.parse(next))).isEqualTo(Instant.ofEpochMilli(millis));
    assertThat(MessageIds.parse("000000000000Z")).isEqualTo(31);
    assertThat(MessageIds.parse("7ZZZZZZZZZZZZ")).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void nextIsTheFirstIdOfTheMillisecondOrOneMore() {
    long millis = 1_800_000_000_000L;
    assertThat(MessageIds.next(0, millis)).isEqualTo(millis << 12);
    assertThat(MessageIds.next(millis << 12, millis)).as("same millisecond").isEqualTo((millis << 12) + 1);
    assertThat(MessageIds.next((millis + 5) << 12, millis)).as("a clock that went back").isEqualTo(((millis + 5) << 12) + 1);
  }

  @Test
  void textThatIsNoIdParsesToMinusOne() {
    assertThat(MessageIds.parse(null)).isEqualTo(-1);
    assertThat(MessageIds.parse("not-an-id")).isEqualTo(-1);
    assertThat(MessageIds.parse("00000000000000")).as("14 digits").isEqualTo(-1);
    assertThat(MessageIds.parse("8000000000000")).as("65 bits").isEqualTo(-1);
    assertThat(MessageIds.parse("000000000000I")).as("no Crockford digit").isEqualTo(-1);
    assertThat(MessageIds.parse("000000000000a")).as("lower case").isEqualTo(-1);
    assertThat(MessageIds.parse("000000000000\u00e9")).as("beyond ASCII").isEqualTo(-1);
  }
}
