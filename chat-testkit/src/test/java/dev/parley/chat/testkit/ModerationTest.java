package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.Decision;
import dev.parley.chat.ModerationAction;
import dev.parley.chat.history.InMemoryHistoryStore;
import dev.parley.chat.history.Restriction;
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
  void aServerThatReportsMetricsKeepsBansInItsStoreToo() {
    InMemoryHistoryStore store = new InMemoryHistoryStore(Retention.messages(1000));
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(QUIET).historyStore(store)
        .metrics(new dev.parley.chat.monitoring.ChatMetrics() {}))) {
      kit.joined("lobby", "alice");
      TestClient bob = kit.joined("lobby", "bob");

      done(kit.server().ban("lobby", "bob", null, "rude"));

      assertThat(bob.take(ServerEvent.Kicked.class).banned()).isTrue();
      assertThat(store.restrictions("lobby")).as("kept in the application's store")
          .anyMatch(r -> r.kind() == dev.parley.chat.history.Restriction.Kind.BAN && r.user().equals("bob"));
      bob.join("lobby", "bob");
      assertThat(bob.takeError().code()).isEqualTo(ErrorCodes.BANNED);
      done(kit.server().unban("lobby", "bob"));
      bob.join("lobby", "bob");
      assertThat(bob.take(ServerEvent.Joined.class).room()).isEqualTo("lobby");
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
    PlainStore plain = new PlainStore();
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

  /** Messages in memory, and none of the optional parts of a store: it keeps no bans or mutes. */
  private static class PlainStore implements dev.parley.chat.history.HistoryStore {
    final InMemoryHistoryStore inner = new InMemoryHistoryStore(Retention.messages(1000));

    @Override public Retention retention() { return inner.retention(); }
    @Override public java.util.concurrent.CompletionStage<Void> append(String s, dev.parley.chat.ChatMessage m) { return inner.append(s, m); }
    @Override public java.util.List<dev.parley.chat.ChatMessage> before(String s, String id, int l) { return inner.before(s, id, l); }
    @Override public java.util.List<dev.parley.chat.ChatMessage> after(String s, String id, int l) { return inner.after(s, id, l); }
    @Override public java.util.concurrent.CompletionStage<Void> remove(String s, String id) { return inner.remove(s, id); }
    @Override public void useServerClock(java.time.Clock clock) { inner.useServerClock(clock); }
    @Override public void close() {}
  }

  /** Keeps bans and mutes, and counts the reads of them, to tell a cached check from a store read. */
  private static final class CountingStore extends PlainStore {
    final java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();

    @Override public java.util.concurrent.CompletionStage<Void> restrict(Restriction r) { return inner.restrict(r); }

    @Override
    public java.util.List<Restriction> restrictions(String room) {
      reads.incrementAndGet();
      return inner.restrictions(room);
    }
  }

  @Test
  void aMuteIsKeptInTheStoreAcrossARestart() {
    InMemoryHistoryStore store = new InMemoryHistoryStore(Retention.messages(1000));
    ManualClock clock;
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(QUIET).historyStore(store))) {
      clock = kit.clock();
      kit.joined("lobby", "bob");
      done(kit.server().mute("lobby", "bob", Duration.ofMinutes(10), "spam"));
    }
    try (ChatTestKit again = ChatTestKit.create(b -> b.config(QUIET).historyStore(store))) {
      again.clock().set(clock.instant());
      TestClient alice = again.joined("lobby", "alice");
      TestClient bob = again.joined("lobby", "bob");
      alice.take(ServerEvent.Presence.class);
      bob.send("lobby", "am I still muted?");
      assertThat(bob.takeError().code()).isEqualTo(ErrorCodes.MUTED);
      again.clock().advance(Duration.ofMinutes(10));
      bob.send("lobby", "now?");
      assertThat(alice.takeMessage().text()).isEqualTo("now?");
    }
  }

  @Test
  void bansAndMutesAreReadOncePerRoom_notAtEveryJoinOrMessage() {
    CountingStore store = new CountingStore();
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(QUIET).historyStore(store))) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = kit.joined("lobby", "bob");
      for (int i = 0; i < 3; i++) {
        bob.send("lobby", "hello " + i);
        assertThat(alice.takeUntil(ServerEvent.Message.class).message().text()).isEqualTo("hello " + i);
        bob.leave("lobby");
        bob.take(ServerEvent.Left.class);
        bob.join("lobby", "bob");
        bob.take(ServerEvent.Joined.class);
      }
      assertThat(store.reads.get()).isEqualTo(1);
      kit.joined("other", "carol");
      assertThat(store.reads.get()).as("each room once").isEqualTo(2);
    }
  }

  @Test
  void aBanOrUnbanOnOneNodeHoldsAtOnceOnAnotherThatHadReadTheRoomsBans() {
    SharedMemoryCluster cluster = new SharedMemoryCluster();
    InMemoryHistoryStore store = new InMemoryHistoryStore(Retention.messages(1000));
    try (ChatTestKit one = ChatTestKit.create(b -> b.config(QUIET).historyStore(store).cluster(cluster.newNode()));
        ChatTestKit two = ChatTestKit.create(b -> b.config(QUIET).historyStore(store).cluster(cluster.newNode()))) {
      TestClient alice = one.joined("lobby", "alice");
      TestClient bob = two.joined("lobby", "bob"); // node two reads the lobby's bans: none
      bob.leave("lobby");
      bob.take(ServerEvent.Left.class);

      done(one.server().ban("lobby", "bob", null, "gone"));
      bob.join("lobby", "bob");
      assertThat(bob.takeError().code()).as("refused at once on the other node").isEqualTo(ErrorCodes.BANNED);

      done(one.server().unban("lobby", "bob"));
      bob.join("lobby", "bob");
      assertThat(bob.take(ServerEvent.Joined.class).room()).as("let in at once on the other node").isEqualTo("lobby");

      done(one.server().mute("lobby", "bob", Duration.ofMinutes(1), ""));
      bob.take(ServerEvent.Muted.class);
      done(one.server().unmute("lobby", "bob"));
      bob.take(ServerEvent.Muted.class);
      bob.send("lobby", "unmuted everywhere");
      assertThat(alice.takeUntil(ServerEvent.Message.class).message().text()).isEqualTo("unmuted everywhere");
    }
  }

  @Test
  void aNodeThatMayHaveMissedRelaysReadsTheBansAgain() {
    SharedMemoryCluster cluster = new SharedMemoryCluster();
    InMemoryHistoryStore store = new InMemoryHistoryStore(Retention.messages(1000));
    dev.parley.chat.cluster.ClusterEngine engine = cluster.newNode();
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(QUIET).historyStore(store).cluster(engine))) {
      TestClient bob = kit.joined("lobby", "bob"); // the node reads the lobby's bans: none
      bob.leave("lobby");
      bob.take(ServerEvent.Left.class);
      // A ban another node kept, whose relay this node missed: its copy still says none.
      done(store.restrict(new Restriction(Restriction.Kind.BAN, "lobby", "bob", null, "")));
      bob.join("lobby", "bob");
      bob.take(ServerEvent.Joined.class);
      bob.leave("lobby");
      bob.take(ServerEvent.Left.class);

      cluster.relaysMissed(engine);

      bob.join("lobby", "bob");
      assertThat(bob.takeError().code()).isEqualTo(ErrorCodes.BANNED);
    }
  }

  @Test
  void theServerListsTheBansAndMutesThatHoldNow_withWhenEachEnds() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(QUIET))) {
      kit.joined("lobby", "alice");
      java.time.Instant now = kit.clock().instant();
      done(kit.server().ban("lobby", "zed", null, "for good"));
      done(kit.server().ban("lobby", "bob", Duration.ofHours(1), "rude"));
      done(kit.server().mute("lobby", "carol", Duration.ofMinutes(5), ""));
      done(kit.server().mute("lobby", "dave", Duration.ofMinutes(1), ""));
      done(kit.server().ban("other", "bob", null, ""));
      kit.clock().advance(Duration.ofMinutes(1)); // dave's mute is over

      assertThat(kit.server().restrictions("lobby").toCompletableFuture().join()).containsExactly(
          new Restriction(Restriction.Kind.BAN, "lobby", "bob", now.plus(Duration.ofHours(1)), "rude"),
          new Restriction(Restriction.Kind.BAN, "lobby", "zed", null, "for good"),
          new Restriction(Restriction.Kind.MUTE, "lobby", "carol", now.plus(Duration.ofMinutes(5)), ""));
    }
  }

  @Test
  void aModeratorListsTheRoomsRestrictions_asTheHookAllows() {
    java.util.List<dev.parley.chat.ModerationContext> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(QUIET).onModerate(m -> {
      asked.add(m);
      return m.user().equals("alice") ? Decision.accept() : Decision.reject("NOT_A_MODERATOR", "Only alice");
    }))) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = kit.joined("lobby", "bob");
      alice.take(ServerEvent.Presence.class);
      done(kit.server().mute("lobby", "bob", Duration.ofMinutes(5), "spam"));
      bob.take(ServerEvent.Muted.class);

      bob.request(new ClientRequest.Moderate("l", "lobby", null, ModerationAction.LIST, null, null));
      assertThat(bob.takeError().code()).isEqualTo("NOT_A_MODERATOR");
      alice.request(new ClientRequest.Moderate("x", "lobby", "bob", ModerationAction.LIST, null, null));
      assertThat(alice.takeError().code()).as("a list names no user").isEqualTo(ErrorCodes.BAD_REQUEST);
      alice.request(new ClientRequest.Moderate("l", "lobby", null, ModerationAction.LIST, null, null));

      assertThat(alice.take(ServerEvent.Restrictions.class)).isEqualTo(new ServerEvent.Restrictions("l", "lobby",
          java.util.List.of(new Restriction(Restriction.Kind.MUTE, "lobby", "bob",
              kit.clock().instant().plus(Duration.ofMinutes(5)), "spam"))));
      assertThat(asked).extracting(dev.parley.chat.ModerationContext::action, dev.parley.chat.ModerationContext::target)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(ModerationAction.LIST, null),
              org.assertj.core.groups.Tuple.tuple(ModerationAction.LIST, null));
    }
  }

  @Test
  void bansAndMutesWorkWithAMetricsListener() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(QUIET).metrics(new dev.parley.chat.monitoring.ChatMetrics() {}))) {
      TestClient bob = kit.joined("lobby", "bob");
      done(kit.server().mute("lobby", "bob", Duration.ofMinutes(1), ""));
      bob.take(ServerEvent.Muted.class);
      done(kit.server().ban("lobby", "bob", null, ""));
      assertThat(bob.take(ServerEvent.Kicked.class).banned()).isTrue();
    }
  }
}
