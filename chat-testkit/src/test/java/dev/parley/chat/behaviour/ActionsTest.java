package dev.parley.chat.behaviour;

import dev.parley.chat.*;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.spi.CloseCodes;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.testkit.ChatTestKit;
import dev.parley.chat.testkit.TestClient;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The actions server code calls, and what they fail with. */
class ActionsTest {
  private final ChatTestKit kit = ChatTestKit.create(b -> b.config(ChatConfig.builder().announcePresence(false).build()));
  private final TestClient alice = joined("lobby", "alice");
  private final TestClient bob = joined("lobby", "bob");

  @AfterEach
  void close() {
    kit.close();
  }

  private TestClient joined(String room, String name) {
    TestClient c = kit.joined(room, name);
    if (alice != null) {
      alice.take(ServerEvent.Presence.class);
    }
    return c;
  }

  private static Throwable failure(java.util.concurrent.CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().join();
      throw new AssertionError("expected failure");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  @Test
  void distributeMsg_leavesOutTheSenderAndReportsRecipients() {
    Delivery d = kit.server().distributeMsg("lobby", "alice", "from server code", Map.of("n", 1)).toCompletableFuture().join();

    assertThat(d.recipients()).isEqualTo(1);
    assertThat(d.message().sender()).isEqualTo("alice");
    assertThat(bob.takeMessage()).isEqualTo(d.message());
    alice.assertNoMoreEvents();
  }

  @Test
  void distributeMsg_toAnUnknownRoomFails() {
    assertThat(failure(kit.server().distributeMsg("nowhere", "bot", "hi")))
        .isInstanceOf(ChatException.class)
        .extracting(e -> ((ChatException) e).code()).isEqualTo(ErrorCodes.UNKNOWN_ROOM);
  }

  @Test
  void broadcast_reachesEveryMemberAsANotice() {
    Delivery d = kit.server().broadcast("lobby", "Server restarts in 5 minutes").toCompletableFuture().join();

    assertThat(d.recipients()).isEqualTo(2);
    for (TestClient c : new TestClient[] {alice, bob}) {
      ChatMessage m = c.takeMessage();
      assertThat(m.kind()).isEqualTo(MessageKind.NOTICE);
      assertThat(m.text()).isEqualTo("Server restarts in 5 minutes");
    }
    assertThat(kit.server().history("lobby")).contains(d.message());
  }

  @Test
  void sendPrivate_reachesTheUser_orFailsForAnUnknownOne() {
    kit.server().sendPrivate("support", "bob", "ticket #4 closed").toCompletableFuture().join();

    ChatMessage m = bob.takeMessage();
    assertThat(m.kind()).isEqualTo(MessageKind.PRIVATE);
    assertThat(m.sender()).isEqualTo("support");
    assertThat(((ChatException) failure(kit.server().sendPrivate("support", "zed", "x"))).code())
        .isEqualTo(ErrorCodes.UNKNOWN_USER);
  }

  @Test
  void sendSystem_reachesOneConnection() {
    kit.server().sendSystem(bob.connectionId(), "Your quota is low").toCompletableFuture().join();

    assertThat(bob.takeMessage().text()).isEqualTo("Your quota is low");
    alice.assertNoMoreEvents();
    assertThat(((ChatException) failure(kit.server().sendSystem("no-such-id", "x"))).code())
        .isEqualTo(ErrorCodes.UNKNOWN_CONNECTION);
  }

  @Test
  void disconnect_closesEveryConnectionOfTheUserAndTellsTheRoom() {
    int closed = kit.server().disconnect("bob", "Banned for spam").toCompletableFuture().join();

    assertThat(closed).isEqualTo(1);
    assertThat(bob.awaitClose()).isEqualTo(CloseCodes.DISCONNECTED_BY_SERVER);
    assertThat(bob.closeReason()).isEqualTo("Banned for spam");
    assertThat(alice.take(ServerEvent.Presence.class)).isEqualTo(new ServerEvent.Presence("lobby", "bob", false));
    assertThat(kit.server().members("lobby")).containsExactly("alice");
    assertThat(((ChatException) failure(kit.server().disconnect("bob", "again"))).code())
        .isEqualTo(ErrorCodes.UNKNOWN_USER);
  }

  @Test
  void queries_returnSnapshots() {
    assertThat(kit.server().rooms()).containsExactly("lobby");
    assertThat(kit.server().members("lobby")).containsExactly("alice", "bob");
    assertThat(kit.server().members("nowhere")).isEmpty();
    assertThat(kit.server().onlineUsers()).containsExactly("alice", "bob");
    assertThatThrownBy(() -> kit.server().rooms().add("x")).isInstanceOf(UnsupportedOperationException.class);
  }
}
