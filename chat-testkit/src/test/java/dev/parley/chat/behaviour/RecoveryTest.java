package dev.parley.chat.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.ChatServer;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.history.InMemoryHistoryStore;
import dev.parley.chat.history.Retention;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.testkit.ChatTestKit;
import dev.parley.chat.testkit.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** A client that rejoins with the id of the last message it saw gets exactly what it missed. */
class RecoveryTest {

  private static ChatTestKit kit(Consumer<ChatConfig.Builder> config) {
    ChatConfig.Builder b = ChatConfig.builder().announcePresence(false);
    config.accept(b);
    return ChatTestKit.create(s -> s.config(b.build()));
  }

  /** Alice and bob in the lobby; bob saw "seen", then dropped; alice sent {@code missed} more. */
  private static String bobMissed(ChatTestKit kit, TestClient alice, int missed) {
    TestClient bob = kit.connect().join("lobby", "bob");
    bob.take(ServerEvent.Joined.class);
    alice.send("lobby", "seen");
    String lastSeen = bob.takeMessage().id();
    bob.disconnect();
    for (int i = 1; i <= missed; i++) {
      alice.send("lobby", "m" + i);
    }
    return lastSeen;
  }

  private static TestClient alice(ChatTestKit kit) {
    TestClient alice = kit.connect().join("lobby", "alice");
    alice.take(ServerEvent.Joined.class);
    return alice;
  }

  private static List<String> texts(int from, int to) {
    List<String> texts = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      texts.add("m" + i);
    }
    return texts;
  }

  @Test
  void rejoiningWithTheLastIdSeenReturnsExactlyTheMissedMessages_beforeLiveTraffic() {
    try (ChatTestKit kit = kit(c -> {})) {
      TestClient alice = alice(kit);
      String lastSeen = bobMissed(kit, alice, 4);

      TestClient bob = kit.connect().rejoin("lobby", "bob", lastSeen);
      ServerEvent.Joined joined = bob.take(ServerEvent.Joined.class);
      alice.send("lobby", "live");

      assertThat(joined.recovered()).isTrue();
      assertThat(joined.history()).extracting(ChatMessage::text).containsExactly("m1", "m2", "m3", "m4");
      assertThat(bob.takeMessage().text()).isEqualTo("live");
    }
  }

  @Test
  void nothingMissedRecoversAnEmptyHistory() {
    try (ChatTestKit kit = kit(c -> {})) {
      TestClient alice = alice(kit);
      String lastSeen = bobMissed(kit, alice, 0);

      ServerEvent.Joined joined = kit.connect().rejoin("lobby", "bob", lastSeen).take(ServerEvent.Joined.class);

      assertThat(joined.recovered()).isTrue();
      assertThat(joined.history()).isEmpty();
    }
  }

  @Test
  void messagesOlderThanTheInMemoryHistoryAreRecoveredFromTheStore() {
    try (ChatTestKit kit = kit(c -> c.historySize(3).maxRecoveredMessages(20))) {
      TestClient alice = alice(kit);
      String lastSeen = bobMissed(kit, alice, 12);

      ServerEvent.Joined joined = kit.connect().rejoin("lobby", "bob", lastSeen).take(ServerEvent.Joined.class);

      assertThat(joined.recovered()).isTrue();
      assertThat(joined.history()).extracting(ChatMessage::text).containsExactlyElementsOf(texts(1, 12));
    }
  }

  @Test
  void aServerKeepingNoHistoryInMemoryStillRecoversFromTheStore() {
    try (ChatTestKit kit = kit(c -> c.historySize(0).maxRecoveredMessages(10))) {
      TestClient alice = alice(kit);
      String lastSeen = bobMissed(kit, alice, 5);

      ServerEvent.Joined joined = kit.connect().rejoin("lobby", "bob", lastSeen).take(ServerEvent.Joined.class);

      assertThat(joined.recovered()).isTrue();
      assertThat(joined.history()).extracting(ChatMessage::text).containsExactlyElementsOf(texts(1, 5));
    }
  }

  @Test
  void missingMoreThanMayBeRecoveredGivesTheRecentHistory_markedNotRecovered() {
    try (ChatTestKit kit = kit(c -> c.historySize(3).maxRecoveredMessages(5))) {
      TestClient alice = alice(kit);
      String lastSeen = bobMissed(kit, alice, 6);

      ServerEvent.Joined joined = kit.connect().rejoin("lobby", "bob", lastSeen).take(ServerEvent.Joined.class);

      assertThat(joined.recovered()).isFalse();
      assertThat(joined.history()).extracting(ChatMessage::text).containsExactly("m4", "m5", "m6");
    }
  }

  @Test
  void exactlyTheLimitIsStillRecovered() {
    try (ChatTestKit kit = kit(c -> c.historySize(3).maxRecoveredMessages(5))) {
      TestClient alice = alice(kit);
      String lastSeen = bobMissed(kit, alice, 5);

      ServerEvent.Joined joined = kit.connect().rejoin("lobby", "bob", lastSeen).take(ServerEvent.Joined.class);

      assertThat(joined.recovered()).isTrue();
      assertThat(joined.history()).hasSize(5);
    }
  }

  @Test
  void aLastIdOlderThanTheWindowIsNotRecovered() {
    try (ChatTestKit kit = kit(c -> c.recoveryWindow(Duration.ofMinutes(2)))) {
      TestClient alice = alice(kit);
      String lastSeen = bobMissed(kit, alice, 2);
      kit.clock().advance(Duration.ofMinutes(2).plusMillis(1));

      ServerEvent.Joined joined = kit.connect().rejoin("lobby", "bob", lastSeen).take(ServerEvent.Joined.class);

      assertThat(joined.recovered()).isFalse();
      assertThat(joined.history()).extracting(ChatMessage::text).containsExactly("seen", "m1", "m2");
    }
  }

  @Test
  void aSinceFromTheFuture_isNotRecovered_andGetsTheRecentHistory() {
    String future;
    try (ChatTestKit later = kit(c -> {})) {
      later.clock().advance(Duration.ofMinutes(1)); // within the recovery window, but ahead of now
      TestClient carol = alice(later);
      carol.send("lobby", "not in the other server's lobby");
      future = later.server().history("lobby").get(0).id();
    }
    try (ChatTestKit kit = kit(c -> {})) {
      TestClient alice = alice(kit);
      bobMissed(kit, alice, 2);

      ServerEvent.Joined joined = kit.connect().rejoin("lobby", "bob", future).take(ServerEvent.Joined.class);

      assertThat(joined.recovered()).isFalse();
      assertThat(joined.history()).extracting(ChatMessage::text).containsExactly("seen", "m1", "m2");
    }
  }

  @Test
  void aSinceThatIsNoMessageIdIsABadRequest() {
    try (ChatTestKit kit = kit(c -> {})) {
      TestClient bob = kit.connect().rejoin("lobby", "bob", "not-an-id");

      assertThat(bob.takeError().code()).isEqualTo(ErrorCodes.BAD_REQUEST);
      assertThat(kit.server().members("lobby")).isEmpty();
    }
  }

  @Test
  void recoveryLimitsMustFitWithinTheStoresRetention() {
    ChatServer.Builder builder = ChatServer.builder()
        .config(ChatConfig.builder().maxRecoveredMessages(100).build())
        .historyStore(new InMemoryHistoryStore(Retention.messages(100)));
    assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxRecoveredMessages");

    ChatServer.Builder tooLong = ChatServer.builder()
        .config(ChatConfig.builder().recoveryWindow(Duration.ofHours(2)).build())
        .historyStore(new InMemoryHistoryStore(Retention.messages(1000).maxAge(Duration.ofHours(1))));
    assertThatThrownBy(tooLong::build).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("recoveryWindow");
  }

  @Test
  void historyPagesWalkBackwardsThroughEveryMessageOnce() {
    try (ChatTestKit kit = kit(c -> c.historySize(5).maxRecoveredMessages(50))) {
      TestClient alice = alice(kit);
      for (int i = 1; i <= 23; i++) {
        alice.send("lobby", "m" + i);
      }

      List<String> seen = new ArrayList<>();
      String before = null;
      for (int page = 0; page < 10; page++) {
        List<ChatMessage> messages = alice.history("lobby", before, 10).take(ServerEvent.History.class).messages();
        if (messages.isEmpty()) {
          break;
        }
        List<String> texts = messages.stream().map(ChatMessage::text).toList();
        seen.addAll(0, texts);
        before = messages.get(0).id();
      }

      assertThat(seen).containsExactlyElementsOf(texts(1, 23));
    }
  }

  @Test
  void historyPagesAreCappedAndOnlyForMembers() {
    try (ChatTestKit kit = kit(c -> c.maxRecoveredMessages(300))) {
      TestClient alice = alice(kit);
      for (int i = 1; i <= 150; i++) {
        kit.server().distributeMsg("lobby", "bot", "m" + i);
      }
      assertThat(alice.history("lobby", null, 1000).takeUntil(ServerEvent.History.class).messages()).hasSize(100);

      TestClient outsider = kit.connect().join("other", "carol");
      outsider.take(ServerEvent.Joined.class);
      assertThat(outsider.history("lobby", null, 10).takeError().code()).isEqualTo(ErrorCodes.NOT_IN_ROOM);
    }
  }
}
