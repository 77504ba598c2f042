package dev.parley.chat.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SenderHandoverTest {
  private static PrivateSenders from(String sender, String id) {
    PrivateSenders senders = new PrivateSenders();
    senders.record(sender, id);
    return senders;
  }

  @Test
  void givesAClosedConnectionsSendersOnce_withinTheRecoveryWindow() {
    AtomicLong clock = new AtomicLong();
    SenderHandover handover = new SenderHandover(clock::get, Duration.ofMinutes(2));
    handover.closed("c1", "wire", from("alice", "0001"));
    handover.closed("c2", "wire", new PrivateSenders()); // nobody to hand over

    assertThat(handover.take("c2", "wire")).isNull();
    assertThat(handover.take("c1", "mallory")).as("to the same user only").isNull();
    assertThat(handover.take("c1", "wire").newest("alice")).isEqualTo("0001");
    assertThat(handover.take("c1", "wire")).as("once").isNull();

    handover.closed("c3", "wire", from("bob", "0002"));
    clock.addAndGet(Duration.ofMinutes(2).toMillis() + 1);
    assertThat(handover.take("c3", "wire")).as("past the window").isNull();
  }

  @Test
  void keepsAtMostMax_forgettingTheOldestFirst() {
    SenderHandover handover = new SenderHandover(() -> 0, Duration.ofMinutes(2));
    for (int i = 0; i <= SenderHandover.MAX; i++) {
      handover.closed("c" + i, "wire", from("alice", "0001"));
    }

    assertThat(handover.take("c0", "wire")).isNull();
    assertThat(handover.take("c1", "wire")).isNotNull();
    assertThat(handover.take("c" + SenderHandover.MAX, "wire")).isNotNull();
  }

  @Test
  void aContinuingConnectionTakesOnTheSenders_leastRecentlyHeardFromStillForgottenFirst() {
    PrivateSenders earlier = new PrivateSenders();
    for (int i = 0; i < PrivateSenders.MAX; i++) {
      earlier.record("user" + i, "1" + i);
    }
    earlier.record("user0", "2");
    PrivateSenders next = new PrivateSenders();

    next.takeFrom(earlier);
    next.record("newcomer", "3");

    assertThat(next.newest("user0")).isEqualTo("2");
    assertThat(next.newest("user1")).as("the least recently heard from").isNull();
    assertThat(next.newest("user2")).isEqualTo("12");
    assertThat(next.newest("newcomer")).isEqualTo("3");
  }
}
