package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.spi.ServerEvent;
import org.junit.jupiter.api.Test;

/**
 * A server with a metrics listener times its store through a wrapper: bans and read markers still
 * reach the store (the wrapper once left bans out, so a server with metrics kept none).
 */
class MeteredStoreTest {

  @Test
  void withMetrics_bansAndReadMarkersAreStillKept() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.metrics(new ChatMetrics() {})
        .config(ChatConfig.builder().announcePresence(false).build()))) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = kit.joined("lobby", "bob");
      alice.send("lobby", "hi");
      String id = bob.takeUntil(ServerEvent.Message.class).message().id();
      bob.read("lobby", id);
      bob.leave("lobby");
      bob.take(ServerEvent.Left.class);
      bob.join("lobby", "bob");
      assertThat(bob.take(ServerEvent.Joined.class).lastRead()).isEqualTo(id);

      kit.server().ban("lobby", "bob", null, "").toCompletableFuture().join();
      bob.takeUntil(ServerEvent.Kicked.class);
      bob.join("lobby", "bob");
      assertThat(bob.takeError().code()).isEqualTo(ErrorCodes.BANNED);
    }
  }
}
