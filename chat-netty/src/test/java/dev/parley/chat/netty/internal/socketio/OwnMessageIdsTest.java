package dev.parley.chat.netty.internal.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.MessageKind;
import dev.parley.chat.cluster.MessageIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OwnMessageIdsTest {
  private static final long WINDOW = 120_000;
  private static final long T0 = 1_800_000_000_000L;

  /** A room message sent at {@code millis}, its id made as the chat server makes them. */
  private static ChatMessage sent(long millis, int counter) {
    String id = MessageIds.format(millis << 12 | counter);
    return ChatMessage.builder(id, Instant.ofEpochMilli(millis), MessageKind.ROOM, "hi").room("r").build();
  }

  @Test
  void keepsAtMostTheMaximumForgettingTheOldest() {
    OwnMessageIds own = new OwnMessageIds(100, WINDOW);
    List<ChatMessage> all = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      all.add(sent(T0 + i, 0));
      own.add(all.get(i));
      assertThat(own.size()).isLessThanOrEqualTo(100);
      assertThat(own.capacity()).isLessThanOrEqualTo(100);
    }
    assertThat(own.size()).isEqualTo(100);
    assertThat(all.subList(0, 150)).noneMatch(m -> own.contains(m.id()));
    assertThat(all.subList(150, 250)).allMatch(m -> own.contains(m.id()));
  }

  @Test
  void startsSmallAndGrowsOnlyAsNeeded() {
    OwnMessageIds own = new OwnMessageIds(10, WINDOW);
    own.add(sent(T0, 0));
    assertThat(own.capacity()).isEqualTo(4);
    for (int i = 1; i < 5; i++) {
      own.add(sent(T0, i));
    }
    assertThat(own.capacity()).isEqualTo(8);
    for (int i = 5; i < 20; i++) {
      own.add(sent(T0, i));
    }
    assertThat(own.capacity()).isEqualTo(10);
    assertThat(own.size()).isEqualTo(10);
    assertThat(own.contains(sent(T0, 9).id())).isFalse();
    assertThat(own.contains(sent(T0, 10).id())).isTrue();
  }

  @Test
  void forgetsWhatNoRecoveryCanReplayAnyMore() {
    OwnMessageIds own = new OwnMessageIds(100, WINDOW);
    ChatMessage first = sent(T0, 0);
    ChatMessage second = sent(T0 + 1, 0);
    own.add(first);
    own.add(second);
    own.add(sent(T0 + WINDOW, 0));
    assertThat(own.contains(first.id())).as("exactly the window old: a recovery from just before it may still replay it")
        .isTrue();
    own.add(sent(T0 + WINDOW + 1, 0));
    assertThat(own.contains(first.id())).isFalse();
    assertThat(own.contains(second.id())).isTrue();
    assertThat(own.size()).isEqualTo(3);
  }

  /** As in the soak: a message every 40 s for 17 minutes, never more than the window's worth kept. */
  @Test
  void aLongLivedClientKeepsOnlyTheWindowsWorth() {
    OwnMessageIds own = new OwnMessageIds(100, WINDOW);
    for (long t = 0; t <= 17 * 60_000; t += 40_000) {
      own.add(sent(T0 + t, 0));
      assertThat(own.size()).isLessThanOrEqualTo(4);
    }
    assertThat(own.capacity()).isEqualTo(4);
  }

  @Test
  void aCopyIsJustLargeEnoughAndIndependent() {
    OwnMessageIds own = new OwnMessageIds(100, WINDOW);
    for (int i = 0; i < 5; i++) {
      own.add(sent(T0, i));
    }
    OwnMessageIds copy = own.copy();
    assertThat(copy.capacity()).isEqualTo(5);
    own.add(sent(T0, 5));
    assertThat(copy.contains(sent(T0, 5).id())).isFalse();
    assertThat(copy.contains(sent(T0, 4).id())).isTrue();
    copy.add(sent(T0, 6));
    assertThat(copy.size()).isEqualTo(6);
    assertThat(own.contains(sent(T0, 6).id())).isFalse();
  }

  @Test
  void textThatIsNoMessageIdIsNeitherKeptNorFound() {
    OwnMessageIds own = new OwnMessageIds(100, WINDOW);
    own.add(ChatMessage.builder("not-an-id", Instant.ofEpochMilli(T0), MessageKind.ROOM, "hi").room("r").build());
    assertThat(own.size()).isZero();
    own.add(sent(T0, 0));
    assertThat(own.contains("not-an-id")).isFalse();
    assertThat(own.contains("8" + sent(T0, 0).id().substring(1))).as("65 bits").isFalse();
  }
}
