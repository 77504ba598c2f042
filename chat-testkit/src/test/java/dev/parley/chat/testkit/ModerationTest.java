package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.Decision;
import dev.parley.chat.ModerationAction;
import dev.parley.chat.history.InMemoryHistoryStore;
import dev.parley.chat.history.Retention;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ServerEvent;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Kick, mute and ban: from server code and from clients the moderation hook allows, on every node. */
class ModerationTest {
  private static final ChatConfig QUIET = ChatConfig.builder().announcePresence(false).build();

  private static void done(java.util.concurrent.CompletionStage<?> stage) {
    stage.toCompletableFuture().join();
  }

  @Test
  void aKickTakesTheUserOutOfOneRoomOnly_andTheyMayComeBack() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(QUIET))) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = kit.joined("lobby", "bob");
      bob.join("other", "bob").take(ServerEvent.Joined.class);
      alice.take(ServerEvent.Presence.class);

      done(kit.server().kick("lobby", "bob", "calm down"));

      assertThat(bob.take(ServerEvent.Kicked.class)).isEqualTo(new ServerEvent.Kicked("lobby", "bob", "calm down", false, null));
      assertThat(alice.take(ServerEvent.Presence.class)).isEqualTo(new ServerEvent.Presence("lobby", "bob", false));
      assertThat(kit.server().members("lobby")).containsExactly("alice");
      assertThat(kit.server().members("other")).containsExactly("bob");
      assertThat(bob.isClosed()).isFalse();
      bob.send("lobby", "still here?");
      assertThat(bob.takeError().code()).isEqualTo(ErrorCodes.NOT_IN_ROOM);
      bob.join("lobby", "bob");
      assertThat(bob.take(ServerEvent.Joined.class).room()).isEqualTo("lobby");
    }
  }

  @Test
  void aMutedUsersMessagesToTheRoomAreRefusedUntilTheMuteEnds_byTheServersClock() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(QUIET))) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = kit.joined("lobby", "bob");
      alice.take(ServerEvent.Presence.class);

      done(kit.server().mute("lobby", "bob", Duration.ofMinutes(1), "spam"));
      ServerEvent.Muted muted = bob.take(ServerEvent.Muted.class);
      assertThat(muted.until()).isEqualTo(kit.clock().instant().plus(Duration.ofMinutes(1)));
      bob.send("lobby", "buy now");
      ServerEvent.Error refused = bob.takeError();
      assertThat(refused.code()).isEqualTo(ErrorCodes.MUTED);
      assertThat(refused.message()).contains("until");
      alice.assertNoMoreEvents();

      kit.clock().advance(Duration.ofMinutes(1));
      bob.send("lobby", "sorry");
      assertThat(alice.takeMessage().text()).isEqualTo("sorry");

      done(kit.server().mute("lobby", "bob", Duration.ofMinutes(5), "again"));
      bob.take(ServerEvent.Muted.class);
      done(kit.server().unmute("lobby", "bob"));
      assertThat(bob.take(ServerEvent.Muted.class).until()).as("lifted").isNull();
      bob.send("lobby", "thanks");
      assertThat(alice.takeMessage().text()).isEqualTo("thanks");
    }
  }

  @Test
  void aBanKicksNow_refusesJoinsUntilItEnds_andIsKeptInTheStoreAcrossARestart() {
    InMemoryHistoryStore store = new InMemoryHistoryStore(Retention.messages(1000));
    ManualClock clock;
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(QUIET).historyStore(store))) {
      clock = kit.clock();
      kit.joined("lobby", "alice");
      TestClient bob = kit.joined("lobby", "bob");

      done(kit.server().ban("lobby", "bob", Duration.ofHours(1), "rude"));

      assertThat(bob.take(ServerEvent.Kicked.class))
          .isEqualTo(new ServerEvent.Kicked("lobby", "bob", "rude", true, clock.instant().plus(Duration.ofHours(1))));
      bob.join("lobby", "bob");
      ServerEvent.Error banned = bob.takeError();
      assertThat(banned.code()).isEqualTo(ErrorCodes.BANNED);
      done(kit.server().ban("lobby", "carol", null, "for good"));
    }
    try (ChatTestKit again = ChatTestKit.create(b -> b.config(QUIET).historyStore(store))) {
      again.clock().set(clock.instant().plus(Duration.ofHours(1)));
      again.joined("lobby", "bob"); // the hour is over
      TestClient carol = again.connect().join("lobby", "carol");
      assertThat(carol.takeError().code()).as("a permanent ban outlives the restart").isEqualTo(ErrorCodes.BANNED);
      done(again.server().unban("lobby", "carol"));
      carol.join("lobby", "carol");
      assertThat(carol.take(ServerEvent.Joined.class).room()).isEqualTo("lobby");
    }
  }

  @Test
  void clientsMayModerateOnlyAsTheModerationHookAllows() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(QUIET))) {
      TestClient alice = kit.joined("lobby", "alice");
      kit.joined("lobby", "bob");
      alice.request(new ClientRequest.Moderate("k", "lobby", "bob", ModerationAction.KICK, null, null));
      assertThat(alice.takeUntil(ServerEvent.Error.class).code()).as("no hook: nobody moderates").isEqualTo(ErrorCodes.FORBIDDEN);
    }
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(QUIET).onModerate(m -> m.user().equals("alice")
        ? Decision.accept() : Decision.reject("NOT_A_MODERATOR", "Only alice moderates")))) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = kit.joined("lobby", "bob");
      alice.take(ServerEvent.Presence.class);

      bob.request(new ClientRequest.Moderate("b", "lobby", "alice", ModerationAction.KICK, null, null));
      assertThat(bob.takeError().code()).isEqualTo("NOT_A_MODERATOR");
      alice.request(new ClientRequest.Moderate("m", "lobby", "bob", ModerationAction.MUTE, null, null));
      assertThat(alice.takeError().code()).as("a mute needs a duration").isEqualTo(ErrorCodes.BAD_REQUEST);

      alice.request(new ClientRequest.Moderate("k", "lobby", "bob", ModerationAction.KICK, null, "bye"));

      assertThat(alice.takeUntil(ServerEvent.Moderated.class)) // bob's leave may come first
          .isEqualTo(new ServerEvent.Moderated("k", "lobby", "bob", ModerationAction.KICK));
      assertThat(bob.take(ServerEvent.Kicked.class).reason()).isEqualTo("bye");
    }
  }

  @Test
  void aStoreThatKeepsNoBansFailsTheBan() {
    dev.parley.chat.history.HistoryStore plain = new dev.parley.chat.history.HistoryStore() {
      private final InMemoryHistoryStore inner = new InMemoryHistoryStore(Retention.messages(1000));

      @Override public Retention retention() { return inner.retention(); }
      @Override public java.util.concurrent.CompletionStage<Void> append(String s, dev.parley.chat.ChatMessage m) { return inner.append(s, m); }
      @Override public java.util.List<dev.parley.chat.ChatMessage> before(String s, String id, int l) { return inner.before(s, id, l); }
      @Override public java.util.List<dev.parley.chat.ChatMessage> after(String s, String id, int l) { return inner.after(s, id, l); }
      @Override public java.util.concurrent.CompletionStage<Void> remove(String s, String id) { return inner.remove(s, id); }
      @Override public void close() {}
    };
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(QUIET).historyStore(plain))) {
      assertThatThrownBy(() -> done(kit.server().ban("lobby", "bob", null, "")))
          .isInstanceOf(CompletionException.class).hasRootCauseInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Test
  void aKickOrBanOnOneNodeReachesTheUsersConnectionsOnAnother() {
    SharedMemoryCluster cluster = new SharedMemoryCluster();
    InMemoryHistoryStore store = new InMemoryHistoryStore(Retention.messages(1000));
    try (ChatTestKit one = ChatTestKit.create(b -> b.config(QUIET).historyStore(store).cluster(cluster.newNode()));
        ChatTestKit two = ChatTestKit.create(b -> b.config(QUIET).historyStore(store).cluster(cluster.newNode()))) {
      TestClient alice = one.joined("lobby", "alice");
      TestClient bob = two.joined("lobby", "bob");
      alice.take(ServerEvent.Presence.class);

      done(one.server().mute("lobby", "bob", Duration.ofMinutes(1), ""));
      bob.take(ServerEvent.Muted.class);
      bob.send("lobby", "muted on the other node too");
      assertThat(bob.takeError().code()).isEqualTo(ErrorCodes.MUTED);

      done(one.server().ban("lobby", "bob", null, "gone"));
      assertThat(bob.take(ServerEvent.Kicked.class).banned()).isTrue();
      assertThat(alice.take(ServerEvent.Presence.class).joined()).isFalse();
      bob.join("lobby", "bob");
      assertThat(bob.takeError().code()).isEqualTo(ErrorCodes.BANNED);
    }
  }
}
