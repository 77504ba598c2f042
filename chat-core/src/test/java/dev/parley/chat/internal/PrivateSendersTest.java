package dev.parley.chat.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrivateSendersTest {
  @Test
  void remembersTheNewestIdFromEachSender_anOlderOneArrivingLateDoesNotMoveItBack() {
    PrivateSenders senders = new PrivateSenders();
    assertThat(senders.newest("alice")).isNull();

    senders.record("alice", "0002");
    senders.record("bob", "0003");
    senders.record("alice", "0001");
    senders.record("bob", "0009");

    assertThat(senders.newest("alice")).isEqualTo("0002");
    assertThat(senders.newest("bob")).isEqualTo("0009");
    assertThat(senders.newest("carol")).isNull();
  }

  @Test
  void pastTheBound_theSenderLeastRecentlyHeardFromIsForgotten() {
    PrivateSenders senders = new PrivateSenders();
    for (int i = 0; i < PrivateSenders.MAX; i++) {
      senders.record("user" + i, "1" + i);
    }
    senders.record("user0", "2"); // user0 heard from again: user1 is now the least recent

    senders.record("newcomer", "3");

    assertThat(senders.newest("newcomer")).isEqualTo("3");
    assertThat(senders.newest("user0")).isEqualTo("2");
    assertThat(senders.newest("user1")).isNull();
    for (int i = 2; i < PrivateSenders.MAX; i++) {
      assertThat(senders.newest("user" + i)).isEqualTo("1" + i);
    }
  }

  @Test
  void sendersWhoseNamesShareAHashAreToldApart() {
    PrivateSenders senders = new PrivateSenders();
    assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());

    senders.record("Aa", "1");
    senders.record("BB", "2");

    assertThat(senders.newest("Aa")).isEqualTo("1");
    assertThat(senders.newest("BB")).isEqualTo("2");
  }
}
