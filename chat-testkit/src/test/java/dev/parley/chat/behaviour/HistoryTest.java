package dev.parley.chat.behaviour;

import dev.parley.chat.ClearHistoryDecision;
import dev.parley.chat.*;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.testkit.ChatTestKit;
import dev.parley.chat.testkit.TestClient;
import org.junit.jupiter.api.Test;

/** Each room keeps its last N messages; joiners receive them; clearing is guarded. */
class HistoryTest {

  @Test
  void aJoinerReceivesTheLastNMessagesOldestFirst() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(
        ChatConfig.builder().historySize(3).announcePresence(false).build()))) {
      TestClient alice = kit.connect().join("lobby", "alice");
      alice.take(ServerEvent.Joined.class);
      for (int i = 1; i <= 5; i++) {
        alice.send("lobby", "m" + i);
      }

      TestClient bob = kit.connect().join("lobby", "bob");

      assertThat(bob.take(ServerEvent.Joined.class).history()).extracting(ChatMessage::text)
          .containsExactly("m3", "m4", "m5");
    }
  }

  @Test
  void historyIncludesKeptNoticesButNotPrivateMessages() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(ChatConfig.builder().keepPresenceNotices(true).build()))) {
      TestClient alice = kit.connect().join("lobby", "alice");
      alice.take(ServerEvent.Joined.class);
      kit.connect().join("lobby", "bob").take(ServerEvent.Joined.class);
      alice.send("lobby", "hi bob");
      alice.send("lobby", "@bob secret");

      assertThat(kit.server().history("lobby")).extracting(ChatMessage::text)
          .containsExactly("alice has joined", "bob has joined", "hi bob");
    }
  }

  @Test
  void historySurvivesWhileTheRoomIsEmpty() {
    try (ChatTestKit kit = ChatTestKit.create()) {
      TestClient alice = kit.connect().join("lobby", "alice");
      alice.take(ServerEvent.Joined.class);
      alice.send("lobby", "anyone?");
      alice.disconnect();

      TestClient bob = kit.connect().join("lobby", "bob");

      assertThat(bob.take(ServerEvent.Joined.class).history()).extracting(ChatMessage::text)
          .containsExactly("anyone?");
    }
  }

  @Test
  void clientsMayNotClearHistoryUnlessAHookAllowsIt() {
    try (ChatTestKit kit = ChatTestKit.create()) {
      TestClient alice = kit.connect().join("lobby", "alice");
      alice.take(ServerEvent.Joined.class);
      alice.send("lobby", "keep me");

      alice.clearHistory("lobby");

      assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.FORBIDDEN);
      assertThat(kit.server().history("lobby")).extracting(ChatMessage::text).contains("keep me");
    }
  }

  @Test
  void aHookDecidesWhoMayClear_andMembersAreTold() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.onClearHistory(c ->
        c.user().equals("admin") ? ClearHistoryDecision.accept() : ClearHistoryDecision.reject(ErrorCodes.FORBIDDEN, "Admins only")))) {
      TestClient admin = kit.connect().join("lobby", "admin");
      admin.take(ServerEvent.Joined.class);
      TestClient bob = kit.connect().join("lobby", "bob");
      bob.take(ServerEvent.Joined.class);
      admin.takeUntil(ServerEvent.Message.class);
      bob.send("lobby", "hello");
      String hello = admin.takeMessage().id();

      bob.clearHistory("lobby");
      assertThat(bob.takeError().message()).isEqualTo("Admins only");

      admin.clearHistory("lobby");
      assertThat(admin.take(ServerEvent.HistoryCleared.class)).isEqualTo(new ServerEvent.HistoryCleared("lobby", "admin", hello));
      assertThat(bob.take(ServerEvent.HistoryCleared.class).by()).isEqualTo("admin");
      assertThat(kit.server().history("lobby")).isEmpty();
      admin.assertNoMoreEvents(); // without a request id, the cleared notice is the only answer

      admin.request(new ClientRequest.ClearHistory("c1", "lobby"));
      assertThat(admin.take(ServerEvent.HistoryCleared.class).by()).isEqualTo("admin");
      assertThat(admin.take(ServerEvent.Cleared.class)).isEqualTo(new ServerEvent.Cleared("c1", "lobby"));
    }
  }

  @Test
  void serverCodeMayAlwaysClear() {
    try (ChatTestKit kit = ChatTestKit.create()) {
      TestClient alice = kit.connect().join("lobby", "alice");
      alice.take(ServerEvent.Joined.class);
      alice.send("lobby", "x");

      kit.server().clearHistory("lobby").toCompletableFuture().join();

      assertThat(alice.take(ServerEvent.HistoryCleared.class).by()).isNull();
      assertThat(kit.server().history("lobby")).isEmpty();
    }
  }
}
