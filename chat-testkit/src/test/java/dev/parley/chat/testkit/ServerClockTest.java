package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.history.InMemoryHistoryStore;
import dev.parley.chat.history.Retention;
import dev.parley.chat.spi.ServerEvent;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An {@link InMemoryHistoryStore} made without a clock, under the kit: it ages messages by the
 * server's clock (the kit's, in January 2026), not the system's.
 */
class ServerClockTest {
  private static final Retention A_DAY = Retention.messages(1000).maxAge(Duration.ofDays(1));

  @Test
  void aStoreWithoutAClockAgesMessagesByTheServersClock() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.historyStore(new InMemoryHistoryStore(A_DAY)))) {
      TestClient alice = kit.connect().join("lobby", "alice");
      alice.take(ServerEvent.Joined.class);
      alice.send("lobby", "fresh"); // handled on this thread: kept when send returns

      // A history request reads the store (a join is answered from the room's recent messages in memory).
      assertThat(alice.history("lobby", null, 10).take(ServerEvent.History.class).messages())
          .extracting(ChatMessage::text).contains("fresh");

      kit.clock().advance(Duration.ofDays(2));
      assertThat(alice.history("lobby", null, 10).take(ServerEvent.History.class).messages())
          .extracting(ChatMessage::text).doesNotContain("fresh");
    }
  }

  @Test
  void aStoreMadeWithAnotherClockIsRefused() {
    InMemoryHistoryStore own = new InMemoryHistoryStore(A_DAY, Clock.systemUTC());
    assertThatThrownBy(() -> ChatTestKit.create(b -> b.historyStore(own)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("The history store ages messages by SystemClock")
        .hasMessageContaining("the server runs on");
  }
}
