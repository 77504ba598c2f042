package dev.parley.chat.behaviour;

import dev.parley.chat.*;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.testkit.ChatTestKit;
import dev.parley.chat.testkit.TestClient;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** Bounds on what one client can make the server do. */
class LimitsTest {

  @Test
  void messagesOverTheMaximumLengthAreRefused() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(ChatConfig.builder().maxMessageLength(10).build()))) {
      TestClient alice = kit.connect().join("lobby", "alice");
      alice.take(ServerEvent.Joined.class);

      alice.send("lobby", "12345678901");
      assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.MESSAGE_TOO_LONG);
      alice.send("lobby", "   ");
      assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.EMPTY_MESSAGE);
      alice.send("lobby", "", Map.of("sticker", "cat"));
      alice.assertNoMoreEvents();
    }
  }

  @Test
  void floodsAreRateLimitedPerConnection_andTheBucketRefills() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(
        ChatConfig.builder().requestsPerSecond(5).requestBurst(3).announcePresence(false).build()))) {
      TestClient alice = kit.connect().join("lobby", "alice");
      alice.take(ServerEvent.Joined.class);
      TestClient bob = kit.connect().join("lobby", "bob");
      bob.take(ServerEvent.Joined.class);
      alice.take(ServerEvent.Presence.class);

      // The join took one of the three tokens.
      alice.send("lobby", "1").send("lobby", "2").send("lobby", "3");
      assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.RATE_LIMITED);
      alice.assertNoMoreEvents();
      assertThat(bob.takeMessage().text()).isEqualTo("1");
      assertThat(bob.takeMessage().text()).isEqualTo("2");
      bob.assertNoMoreEvents();

      kit.clock().advance(Duration.ofMillis(200));
      alice.send("lobby", "after a pause");
      assertThat(bob.takeMessage().text()).isEqualTo("after a pause");
    }
  }

  @Test
  void requestsWaitingForASlowHookAreBounded() {
    ArrayDeque<Runnable> parked = new ArrayDeque<>();
    Executor manual = parked::add;
    try (ChatTestKit kit = ChatTestKit.create(b -> b.hookExecutor(manual).config(
        ChatConfig.builder().maxPendingRequests(2).requestBurst(100).build()))) {
      TestClient alice = kit.open(dev.parley.chat.Handshake.empty());
      // The accept task runs first; then the bound applies to requests.
      while (!parked.isEmpty()) {
        parked.poll().run();
      }
      alice.take(ServerEvent.Welcome.class);

      for (int i = 0; i < 3; i++) {
        alice.request(new ClientRequest.Join("j" + i, "room" + i, "alice"));
      }

      assertThat(alice.takeError()).isEqualTo(new ServerEvent.Error("j2", ErrorCodes.OVERLOADED,
          "Too many requests waiting; try again later"));
      while (!parked.isEmpty()) {
        parked.poll().run();
      }
      assertThat(alice.take(ServerEvent.Joined.class).room()).isEqualTo("room0");
      assertThat(alice.take(ServerEvent.Joined.class).room()).isEqualTo("room1");
    }
  }

  @Test
  void aConnectionMayBeInABoundedNumberOfRooms() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(ChatConfig.builder().maxRoomsPerConnection(2).build()))) {
      TestClient alice = kit.connect().join("a", "alice");
      alice.take(ServerEvent.Joined.class);
      alice.join("b").take(ServerEvent.Joined.class);

      alice.join("c");
      assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.TOO_MANY_ROOMS);
    }
  }

  @Test
  void theServerHoldsABoundedNumberOfRooms_droppingEmptyOnesFirst() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(
        ChatConfig.builder().maxRooms(2).announcePresence(false).build()))) {
      TestClient alice = kit.connect().join("a", "alice");
      alice.take(ServerEvent.Joined.class);
      TestClient bob = kit.connect().join("b", "bob");
      bob.take(ServerEvent.Joined.class);
      bob.send("b", "history keeps b alive while empty");
      bob.leave("b").take(ServerEvent.Left.class);

      TestClient carol = kit.connect().join("c", "carol");
      carol.take(ServerEvent.Joined.class);
      assertThat(kit.server().rooms()).containsExactly("a", "c");

      TestClient dave = kit.connect().join("d", "dave");
      assertThat(dave.takeError().code()).isEqualTo(ErrorCodes.TOO_MANY_ROOMS);
    }
  }

  @Test
  void configRejectsNonsense() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ChatConfig.builder().historySize(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("historySize");
  }

  @Test
  void messagesWithNulCharactersAreRefused() {
    try (ChatTestKit kit = ChatTestKit.create()) {
      TestClient alice = kit.connect().join("lobby", "alice");
      alice.take(ServerEvent.Joined.class);

      alice.send("lobby", "evil\u0000");

      ServerEvent.Error error = alice.takeError();
      assertThat(error.code()).isEqualTo(ErrorCodes.BAD_REQUEST);
      assertThat(error.message()).contains("NUL");
    }
  }
}
