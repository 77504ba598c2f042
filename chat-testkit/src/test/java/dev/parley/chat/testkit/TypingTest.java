package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.Decision;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ServerEvent;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** "alice is typing": to the room or one user, never kept, limited, expiring, stopped by a send or a leave. */
class TypingTest {
  private static final long TIMEOUT = ChatConfig.defaults().typingTimeout().toMillis();

  private static ChatTestKit quiet() {
    return ChatTestKit.create(b -> b.config(ChatConfig.builder().announcePresence(false).build()));
  }

  private static ClientRequest typing(String room, String to, boolean typing) {
    return new ClientRequest.Typing(null, room, to, typing);
  }

  /** alice and bob in the lobby, bob's arrival already taken from alice's events. */
  private record Lobby(TestClient alice, TestClient bob) {
    /** bob starts typing in the lobby, and alice is told. */
    void bobTypes() {
      bob.request(typing("lobby", null, true));
      alice.take(ServerEvent.Typing.class);
    }
  }

  private static Lobby aliceAndBob(ChatTestKit kit) {
    TestClient alice = kit.joined("lobby", "alice");
    TestClient bob = kit.joined("lobby", "bob");
    alice.take(ServerEvent.Presence.class);
    return new Lobby(alice, bob);
  }

  @Test
  void aRoomsOtherMembersSeeWhoIsTyping_theTyperDoesNot_andNothingIsKept() {
    try (ChatTestKit kit = quiet()) {
      Lobby lobby = aliceAndBob(kit);
      TestClient alice = lobby.alice();
      TestClient bob = lobby.bob();

      bob.request(typing("lobby", null, true));

      assertThat(alice.take(ServerEvent.Typing.class)).isEqualTo(new ServerEvent.Typing("lobby", "bob", null, true, TIMEOUT));
      bob.request(typing("lobby", null, false));
      assertThat(alice.take(ServerEvent.Typing.class)).isEqualTo(new ServerEvent.Typing("lobby", "bob", null, false, 0));
      bob.assertNoMoreEvents();
      assertThat(kit.server().history("lobby")).isEmpty();
    }
  }

  @Test
  void typingToOneUserReachesOnlyThatUser() {
    try (ChatTestKit kit = quiet()) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = kit.joined("lobby", "bob");
      TestClient carol = kit.joined("lobby", "carol");
      alice.take(ServerEvent.Presence.class);
      alice.take(ServerEvent.Presence.class);
      bob.take(ServerEvent.Presence.class);

      alice.request(typing(null, "bob", true));

      assertThat(bob.take(ServerEvent.Typing.class)).isEqualTo(new ServerEvent.Typing(null, "alice", "bob", true, TIMEOUT));
      carol.assertNoMoreEvents();
      alice.request(new ClientRequest.Typing("t", null, "nobody", true));
      assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.UNKNOWN_USER);
      alice.request(new ClientRequest.Typing("t2", "lobby", "bob", true));
      assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.BAD_REQUEST);
      alice.request(new ClientRequest.Typing("t3", "elsewhere", null, true));
      assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.NOT_IN_ROOM);
    }
  }

  @Test
  void aConnectionSendsAtMostTypingPerSecond_thenIsRefusedUntilTheClockMoves() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(
        ChatConfig.builder().announcePresence(false).typingPerSecond(2).build()))) {
      Lobby lobby = aliceAndBob(kit);
      TestClient alice = lobby.alice();
      TestClient bob = lobby.bob();

      bob.request(typing("lobby", null, true));
      bob.request(typing("lobby", null, true));
      bob.request(new ClientRequest.Typing("3", "lobby", null, true));

      ServerEvent.Error refused = bob.takeError();
      assertThat(refused.code()).isEqualTo(ErrorCodes.TYPING_TOO_FAST);
      assertThat(refused.requestId()).isEqualTo("3");
      alice.take(ServerEvent.Typing.class);
      alice.take(ServerEvent.Typing.class);
      alice.assertNoMoreEvents();
      kit.clock().advance(Duration.ofSeconds(1));
      bob.request(typing("lobby", null, true));
      assertThat(alice.take(ServerEvent.Typing.class).typing()).isTrue();
    }
  }

  @Test
  void sendingTheMessageStopsTheIndicator_butNotOnceItExpiredByTheServersClock() {
    try (ChatTestKit kit = quiet()) {
      Lobby lobby = aliceAndBob(kit);
      TestClient alice = lobby.alice();
      TestClient bob = lobby.bob();

      lobby.bobTypes();
      bob.send("lobby", "done");
      assertThat(alice.takeMessage().text()).isEqualTo("done");
      assertThat(alice.take(ServerEvent.Typing.class)).isEqualTo(new ServerEvent.Typing("lobby", "bob", null, false, 0));

      lobby.bobTypes();
      kit.clock().advance(Duration.ofMillis(TIMEOUT));
      bob.send("lobby", "later");
      assertThat(alice.takeMessage().text()).isEqualTo("later");
      alice.assertNoMoreEvents(); // the clients stopped showing it already
    }
  }

  @Test
  void leavingOrDisconnectingStopsTheIndicator() {
    try (ChatTestKit kit = quiet()) {
      Lobby lobby = aliceAndBob(kit);
      TestClient alice = lobby.alice();
      TestClient bob = lobby.bob();

      lobby.bobTypes();
      bob.leave("lobby");
      assertThat(alice.takeEvent()).isEqualTo(new ServerEvent.Typing("lobby", "bob", null, false, 0));
      alice.take(ServerEvent.Presence.class);

      TestClient carol = kit.joined("lobby", "carol");
      alice.take(ServerEvent.Presence.class);
      carol.request(typing(null, "alice", true));
      alice.take(ServerEvent.Typing.class);
      carol.disconnect();
      assertThat(alice.takeEvent()).isEqualTo(new ServerEvent.Typing(null, "carol", "alice", false, 0));
    }
  }

  @Test
  void theTypingHookMayRefuse() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(ChatConfig.builder().announcePresence(false).build())
        .onTyping(t -> t.user().equals("mallory") ? Decision.reject("NO_TYPING", "Not you") : Decision.accept()))) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient mallory = kit.joined("lobby", "mallory");
      alice.take(ServerEvent.Presence.class);

      mallory.request(new ClientRequest.Typing("m", "lobby", null, true));

      assertThat(mallory.takeError().code()).isEqualTo("NO_TYPING");
      alice.assertNoMoreEvents();
    }
  }

  @Test
  void anIndicatorReachesTheRoomsMembersAndTheRecipientOnOtherNodes() {
    SharedMemoryCluster cluster = new SharedMemoryCluster();
    ChatConfig config = ChatConfig.builder().announcePresence(false).build();
    try (ChatTestKit one = ChatTestKit.create(b -> b.config(config).cluster(cluster.newNode()));
        ChatTestKit two = ChatTestKit.create(b -> b.config(config).cluster(cluster.newNode()))) {
      TestClient alice = one.joined("lobby", "alice");
      TestClient bob = two.joined("lobby", "bob");
      alice.take(ServerEvent.Presence.class);

      bob.request(typing("lobby", null, true));
      assertThat(alice.take(ServerEvent.Typing.class)).isEqualTo(new ServerEvent.Typing("lobby", "bob", null, true, TIMEOUT));
      bob.request(typing(null, "alice", true));
      assertThat(alice.take(ServerEvent.Typing.class)).isEqualTo(new ServerEvent.Typing(null, "bob", "alice", true, TIMEOUT));
      bob.disconnect();
      assertThat(alice.takeUntil(ServerEvent.Typing.class).typing()).isFalse();
    }
  }
}
