package dev.parley.chat.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.MessageKind;
import dev.parley.chat.history.InMemoryHistoryStore;
import dev.parley.chat.history.Retention;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.testkit.ChatTestKit;
import dev.parley.chat.testkit.TestClient;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * "alice has joined" and "alice has left": live events by default, kept in the history only when
 * {@link ChatConfig.Builder#keepPresenceNotices(boolean)} says so.
 */
class PresenceNoticesTest {
  /** What the server keeps, to look at directly; JUnit makes one per test. */
  private final InMemoryHistoryStore store = new InMemoryHistoryStore(Retention.messages(1000));

  private ChatTestKit withStore() {
    return ChatTestKit.create(b -> b.historyStore(store));
  }

  @Test
  void byDefault_noticesAreSentLiveAfterThePresence_butNotKept() {
    try (ChatTestKit kit = withStore()) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = kit.joined("lobby", "bob");
      assertThat(alice.takeEvent()).isEqualTo(new ServerEvent.Presence("lobby", "bob", true));
      ChatMessage joinedNotice = alice.takeMessage();
      assertThat(joinedNotice.kind()).isEqualTo(MessageKind.NOTICE);
      assertThat(joinedNotice.room()).isEqualTo("lobby");
      assertThat(joinedNotice.text()).isEqualTo("bob has joined");
      bob.send("lobby", "hello");
      ChatMessage hello = alice.takeMessage();
      assertThat(hello.id()).as("the notice has its place in the room's order").isGreaterThan(joinedNotice.id());
      bob.disconnect();
      assertThat(alice.takeEvent()).isEqualTo(new ServerEvent.Presence("lobby", "bob", false));
      assertThat(alice.takeMessage().text()).isEqualTo("bob has left");

      assertThat(kit.server().history("lobby")).extracting(ChatMessage::text).containsExactly("hello");
      assertThat(store.before("lobby", null, 10))
          .extracting(ChatMessage::text).containsExactly("hello");
      TestClient carol = kit.connect().join("lobby", "carol");
      assertThat(carol.take(ServerEvent.Joined.class).history()).extracting(ChatMessage::text).containsExactly("hello");
    }
  }

  @Test
  void keepPresenceNotices_keepsThemInTheHistory() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(ChatConfig.builder().keepPresenceNotices(true).build()))) {
      TestClient alice = kit.joined("lobby", "alice");
      kit.joined("lobby", "bob").disconnect();
      alice.takeUntil(ServerEvent.Message.class);
      assertThat(alice.takeUntil(ServerEvent.Message.class).message().text()).isEqualTo("bob has left");

      TestClient carol = kit.connect().join("lobby", "carol");
      assertThat(carol.take(ServerEvent.Joined.class).history()).extracting(ChatMessage::text)
          .containsExactly("alice has joined", "bob has joined", "bob has left");
    }
  }

  /** A client whose last event was a live notice recovers from its id: exactly what came after it. */
  @Test
  void recoveryFromALiveNoticesIdReturnsWhatFollowedIt() {
    try (ChatTestKit kit = ChatTestKit.create()) {
      TestClient alice = kit.joined("lobby", "alice");
      alice.send("lobby", "before");
      TestClient bob = kit.connect().join("lobby", "bob");
      assertThat(bob.take(ServerEvent.Joined.class).history()).extracting(ChatMessage::text).containsExactly("before");
      TestClient carol = kit.joined("lobby", "carol");
      bob.take(ServerEvent.Presence.class);
      String lastSeen = bob.takeMessage().id(); // "carol has joined"
      bob.disconnect();
      carol.send("lobby", "missed");

      TestClient back = kit.connect().rejoin("lobby", "bob", lastSeen);
      ServerEvent.Joined rejoined = back.take(ServerEvent.Joined.class);

      assertThat(rejoined.recovered()).isTrue();
      assertThat(rejoined.history()).extracting(ChatMessage::text).containsExactly("missed");
    }
  }

  /**
   * A server's shutdown takes every client out of its rooms: with the defaults, none of those
   * departures is kept, so the next run's joiners see the conversation, not a departure for everyone.
   */
  @Test
  void everyoneLeavingLeavesNoDepartureNoticesInTheStore() {
    try (ChatTestKit kit = withStore()) {
      TestClient watcher = kit.joined("lobby", "watcher");
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = kit.joined("lobby", "bob");
      alice.send("lobby", "see you");
      alice.disconnect();
      bob.disconnect();
      for (int left = 0; left < 2; ) {
        if (watcher.takeEvent() instanceof ServerEvent.Presence p && !p.joined()) {
          left++;
        }
      }
      assertThat(watcher.takeMessage().text()).as("the last departure's notice, live").endsWith("has left");
    }
    assertThat(store.before("lobby", null, 10))
        .extracting(ChatMessage::text).containsExactly("see you");
  }
}
