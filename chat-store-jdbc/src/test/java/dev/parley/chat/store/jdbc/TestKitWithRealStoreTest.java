package dev.parley.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.ChatServer;
import dev.parley.chat.monitoring.Health;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.testkit.ChatTestKit;
import dev.parley.chat.testkit.TestClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Testing with a real store (docs/stores.md, "Testing with a real store"): the test kit around a
 * server whose history is in an SQLite file, with the store's default retention (30 days). The kit's
 * clock starts in January 2026; the store ages messages by it, because the server gives the store its
 * clock.
 */
class TestKitWithRealStoreTest {
  @TempDir
  Path dir;

  private JdbcHistoryStore store() {
    return JdbcHistoryStore.builder().file(dir.resolve("history.db")).build();
  }

  @Test
  void historySurvivesARestartOfTheServer() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.historyStore(store()))) {
      TestClient alice = kit.connect().join("lobby", "alice");
      alice.take(ServerEvent.Joined.class);
      alice.request(new ClientRequest.Send("m1", "lobby", "before the restart", null));
      alice.takeUntil(ServerEvent.Ack.class); // with a request id, acknowledged once committed
    } // closes the server, which closes the store

    try (ChatTestKit kit = ChatTestKit.create(b -> b.historyStore(store()))) {
      TestClient bob = kit.connect().join("lobby", "bob");
      ServerEvent.Joined joined = bob.take(ServerEvent.Joined.class);
      assertThat(joined.history()).extracting(ChatMessage::text).contains("before the restart");
    }
  }

  @Test
  void theStoreAgesMessagesByTheKitsClock() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.historyStore(store()))) {
      TestClient alice = kit.connect().join("lobby", "alice");
      alice.take(ServerEvent.Joined.class);
      alice.send("lobby", "soon thirty days old");

      // A history request reads the store (a join is answered from the room's recent messages in memory).
      assertThat(alice.history("lobby", null, 10).take(ServerEvent.History.class).messages())
          .extracting(ChatMessage::text).contains("soon thirty days old");

      kit.clock().advance(Duration.ofDays(31)); // past the store's default age limit
      assertThat(alice.history("lobby", null, 10).take(ServerEvent.History.class).messages())
          .extracting(ChatMessage::text).doesNotContain("soon thirty days old");
    }
  }

  @Test
  void aStoreBuiltWithAnotherClockIsRefused() {
    JdbcHistoryStore own = JdbcHistoryStore.builder().file(dir.resolve("history.db")).clock(Clock.systemUTC()).build();
    assertThatThrownBy(() -> ChatTestKit.create(b -> b.historyStore(own)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the server runs on");
    // The server owns the store it refused, and closed it.
    assertThat(own.health().status()).isEqualTo(Health.Status.DOWN);
  }

  @Test
  void aStoreBuiltWithTheServersClockIsKept() {
    Clock clock = Clock.systemUTC();
    JdbcHistoryStore own = JdbcHistoryStore.builder().file(dir.resolve("history.db")).clock(clock).build();
    try (ChatServer server = ChatServer.builder().clock(clock).historyStore(own).build()) {
      assertThat(server.health().status()).isEqualTo(Health.Status.UP);
    }
  }
}
