package dev.parley.chat.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.ConnectDecision;
import dev.parley.chat.Delivery;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.Handshake;
import dev.parley.chat.spi.ClientConnection;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.testkit.ChatTestKit;
import dev.parley.chat.testkit.TestClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With offline messages on, a private message to someone not connected waits for them. */
class OfflineMessagesTest {

  private static ChatTestKit kit(boolean offline) {
    return ChatTestKit.create(b -> b.config(
        ChatConfig.builder().announcePresence(false).offlineMessages(offline).build()));
  }

  private static TestClient alice(ChatTestKit kit) {
    TestClient alice = kit.connect().join("lobby", "alice");
    alice.take(ServerEvent.Joined.class);
    return alice;
  }

  @Test
  void aMessageToAnOfflineUserIsDeliveredWhenTheyJoin_once() {
    try (ChatTestKit kit = kit(true)) {
      TestClient alice = alice(kit);
      alice.request(new ClientRequest.SendPrivate("p1", "bob", "call me", null));
      assertThat(alice.take(ServerEvent.Ack.class).message().recipient()).isEqualTo("bob");
      alice.sendPrivate("bob", "please");

      TestClient bob = kit.connect().join("lobby", "bob");
      bob.takeUntil(ServerEvent.Joined.class);
      assertThat(bob.skipped()).extracting(e -> ((ServerEvent.Message) e).message().text())
          .containsExactly("call me", "please");
      assertThat(bob.skipped()).extracting(e -> ((ServerEvent.Message) e).message().sender())
          .containsOnly("alice");
      bob.disconnect();

      TestClient again = kit.connect().join("lobby", "bob");
      assertThat(again.takeEvent()).isInstanceOf(ServerEvent.Joined.class);
      again.assertNoMoreEvents();
    }
  }

  @Test
  void withoutOfflineMessagesTheSenderIsToldTheUserIsUnknown() {
    try (ChatTestKit kit = kit(false)) {
      TestClient alice = alice(kit);

      alice.sendPrivate("bob", "call me");

      assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.UNKNOWN_USER);
    }
  }

  @Test
  void anIdentityFromTheConnectHookGetsTheInboxRightAfterTheWelcome() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b
        .config(ChatConfig.builder().offlineMessages(true).build())
        .onConnect(h -> ConnectDecision.acceptAs(h.query("user").orElseThrow())))) {
      Delivery kept = kit.server().sendPrivate("system", "bob", "your order shipped")
          .toCompletableFuture().join();
      assertThat(kept.recipients()).isZero();

      TestClient bob = kit.connect(new Handshake("", "", Map.of("user", List.of("bob")), Map.of()));

      ChatMessage message = bob.takeMessage();
      assertThat(message.text()).isEqualTo("your order shipped");
      assertThat(message.sender()).isEqualTo("system");
    }
  }

  @Test
  void anOnlineUserGetsTheMessageLive() {
    try (ChatTestKit kit = kit(true)) {
      TestClient alice = alice(kit);
      TestClient bob = kit.connect().join("lobby", "bob");
      bob.take(ServerEvent.Joined.class);

      alice.sendPrivate("bob", "hi");

      assertThat(bob.takeMessage().text()).isEqualTo("hi");
    }
  }

  @Test
  void namesThatCannotBeUsersAreStillRefused() {
    try (ChatTestKit kit = kit(true)) {
      TestClient alice = alice(kit);

      alice.sendPrivate("no such user!", "hello");

      assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.UNKNOWN_USER);
    }
  }

  @Test
  void keptMessagesAConnectionCouldNotTakeStayKeptForTheNextOne() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b
        .config(ChatConfig.builder().offlineMessages(true).build())
        .onConnect(h -> ConnectDecision.acceptAs(h.query("user").orElseThrow())))) {
      for (int i = 0; i < 10; i++) {
        kit.server().sendPrivate("alice", "carol", "pm " + i);
      }
      Handshake asCarol = new Handshake("", "", Map.of("user", List.of("carol")), Map.of());
      // A connection whose outbound queue fills after the welcome and two messages, then closes.
      List<ServerEvent> taken = new java.util.concurrent.CopyOnWriteArrayList<>();
      kit.server().open(new ClientConnection() {
        @Override
        public Handshake handshake() {
          return asCarol;
        }

        @Override
        public boolean send(ServerEvent event) {
          return taken.size() < 3 && taken.add(event);
        }

        @Override
        public void close(int code, String reason) {}
      }).closed();

      TestClient again = kit.connect(asCarol);
      List<String> rest = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        rest.add(again.takeMessage().text());
      }

      assertThat(taken).hasSize(3);
      assertThat(rest).containsExactly("pm 2", "pm 3", "pm 4", "pm 5", "pm 6", "pm 7", "pm 8", "pm 9");
    }
  }

  @Test
  void aLiveDeliveryReportsEveryConnectionItReached() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b
        .config(ChatConfig.builder().offlineMessages(true).build())
        .onConnect(h -> ConnectDecision.acceptAs(h.query("user").orElseThrow())))) {
      Handshake asBob = new Handshake("", "", Map.of("user", List.of("bob")), Map.of());
      TestClient phone = kit.connect(asBob);
      TestClient laptop = kit.connect(asBob);

      Delivery delivery = kit.server().sendPrivate("alice", "bob", "on both").toCompletableFuture().join();

      assertThat(delivery.recipients()).isEqualTo(2);
      assertThat(phone.takeMessage().text()).isEqualTo("on both");
      assertThat(laptop.takeMessage().text()).isEqualTo("on both");
    }
  }
}
