package dev.parley.chat.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.MessageKind;
import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.cluster.Exclusion;
import dev.parley.chat.cluster.LocalNode;
import dev.parley.chat.cluster.MessageIds;
import dev.parley.chat.cluster.RoomEntry;
import dev.parley.chat.cluster.RoomSnapshot;
import dev.parley.chat.history.InMemoryHistoryStore;
import dev.parley.chat.history.Retention;
import dev.parley.chat.spi.ServerEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The in-process engine's own rules, beyond what the server's behaviour tests reach. */
class InProcessEngineTest {
  private final MutableClock clock = new MutableClock();
  private final InMemoryHistoryStore store = new InMemoryHistoryStore(Retention.messages(1000), clock);
  private final Recorder node = new Recorder();

  private ClusterEngine engine(int logSize, int maxRooms) {
    ClusterEngine engine = new InProcessEngine(store, clock, maxRooms);
    engine.start(node, logSize).toCompletableFuture().join();
    return engine;
  }

  private static ChatMessage draft(String room, String text) {
    return ChatMessage.builder("0000000000000", Instant.EPOCH, MessageKind.ROOM, text).room(room).build();
  }

  /** Publishes a message as the server does: ordered by the engine, then kept by the store. */
  private ChatMessage publish(ClusterEngine engine, String room, String text) {
    ServerEvent ordered = engine.publish(room, new ServerEvent.Message(draft(room, text)), Exclusion.none())
        .toCompletableFuture().join();
    ChatMessage message = ((ServerEvent.Message) ordered).message();
    store.append(room, message);
    return message;
  }

  @Test
  void idsIncreaseInEachRoomsOrder_andAcrossRooms_evenWithinOneMillisecond_andCarryTheirTime() {
    ClusterEngine engine = engine(10, 10);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(publish(engine, i % 2 == 0 ? "a" : "b", "m" + i).id());
    }
    clock.advance(Duration.ofMillis(3));
    ChatMessage later = publish(engine, "a", "later");
    ids.add(later.id());

    assertThat(ids).isSorted().doesNotHaveDuplicates();
    assertThat(later.time()).isEqualTo(MessageIds.time(MessageIds.parse(later.id())));
    assertThat(later.time()).isEqualTo(clock.instant());
    assertThat(engine.nextId().toCompletableFuture().join()).isGreaterThan(later.id());
  }

  @Test
  void aFollowerGetsTheSnapshot_thenExactlyTheEntriesAfterIt_inOrder_untilItUnfollows() {
    ClusterEngine engine = engine(2, 10);
    publish(engine, "lobby", "one");
    ChatMessage two = publish(engine, "lobby", "two");
    publish(engine, "lobby", "three");
    publish(engine, "elsewhere", "not followed");

    RoomSnapshot snapshot = engine.follow("lobby", 5).toCompletableFuture().join();
    ChatMessage four = publish(engine, "lobby", "four");
    engine.publish("lobby", new ServerEvent.Presence("lobby", "bob", true), new Exclusion(null, "bob"));
    engine.unfollow("lobby");
    publish(engine, "lobby", "after unfollowing");

    assertThat(snapshot.recent()).extracting(ChatMessage::text).containsExactly("two", "three");
    assertThat(snapshot.lastId()).isLessThan(four.id()).isGreaterThan(two.id());
    assertThat(node.entries).extracting(RoomEntry::event)
        .containsExactly(new ServerEvent.Message(four), new ServerEvent.Presence("lobby", "bob", true));
    assertThat(node.entries.get(1).except()).isEqualTo(new Exclusion(null, "bob"));
  }

  @Test
  void enterAndExitCountConnections_perUserPerRoom() {
    ClusterEngine engine = engine(10, 10);

    assertThat(engine.enter("lobby", "alice", "c1").toCompletableFuture().join()).isTrue();
    assertThat(engine.enter("lobby", "alice", "c2").toCompletableFuture().join()).isFalse();
    assertThat(engine.enter("lobby", "bob", "c3").toCompletableFuture().join()).isTrue();
    assertThat(engine.enter("other", "alice", "c1").toCompletableFuture().join()).isTrue();
    assertThat(engine.members("lobby").toCompletableFuture().join()).containsExactly("alice", "bob");

    assertThat(engine.exit("lobby", "alice", "c1").toCompletableFuture().join()).isFalse();
    assertThat(engine.exit("lobby", "alice", "c1").toCompletableFuture().join()).as("twice").isFalse();
    assertThat(engine.members("lobby").toCompletableFuture().join()).containsExactly("alice", "bob");
    assertThat(engine.exit("lobby", "alice", "c2").toCompletableFuture().join()).isTrue();
    assertThat(engine.members("lobby").toCompletableFuture().join()).containsExactly("bob");
    assertThat(engine.exit("lobby", "bob", "c3").toCompletableFuture().join()).isTrue();

    assertThat(engine.members("lobby").toCompletableFuture().join()).isEmpty();
    assertThat(engine.rooms().toCompletableFuture().join()).as("empty, keeping nothing: dropped").containsExactly("other");
  }

  @Test
  void aNameIsOneConnectionsAlone_unlessEveryHolderClaimedItShared() {
    ClusterEngine engine = engine(10, 10);

    assertThat(engine.claim("alice", "c1", false).toCompletableFuture().join()).isTrue();
    assertThat(engine.claim("alice", "c2", false).toCompletableFuture().join()).isFalse();
    assertThat(engine.claim("alice", "c2", true).toCompletableFuture().join()).isFalse();
    engine.release("alice", "c1");
    assertThat(engine.onlineUsers().toCompletableFuture().join()).isEmpty();

    assertThat(engine.claim("bob", "c3", true).toCompletableFuture().join()).isTrue();
    assertThat(engine.claim("bob", "c4", true).toCompletableFuture().join()).isTrue();
    assertThat(engine.claim("bob", "c5", false).toCompletableFuture().join()).isFalse();
    engine.release("bob", "c3");
    assertThat(engine.onlineUsers().toCompletableFuture().join()).containsExactly("bob");
  }

  @Test
  void after_readsThroughToTheStorePastTheLog_andGivesUpWhenItCannotVouch() {
    ClusterEngine engine = engine(2, 10);
    ChatMessage seen = publish(engine, "lobby", "seen");
    for (int i = 1; i <= 5; i++) {
      publish(engine, "lobby", "m" + i);
    }

    assertThat(engine.after("lobby", seen.id(), 10).toCompletableFuture().join().orElseThrow())
        .extracting(ChatMessage::text).containsExactly("m1", "m2", "m3", "m4", "m5");
    assertThat(engine.after("lobby", seen.id(), 4).toCompletableFuture().join()).as("more than the limit").isEmpty();
    String future = MessageIds.format(MessageIds.next(0, clock.millis() + 60_000));
    assertThat(engine.after("lobby", future, 10).toCompletableFuture().join()).as("an id it never made").isEmpty();
    assertThat(engine.after("lobby", "not an id", 10).toCompletableFuture().join()).isEmpty();
  }

  @Test
  void after_doesNotVouchForAnEarlierRunsIds_unlessTheStoreIsPersistent() {
    ClusterEngine first = engine(10, 10);
    ChatMessage seen = publish(first, "lobby", "seen");
    publish(first, "lobby", "missed");
    clock.advance(Duration.ofSeconds(5));

    ClusterEngine second = new InProcessEngine(store, clock, 10);
    second.start(new Recorder(), 10);

    assertThat(second.after("lobby", seen.id(), 10).toCompletableFuture().join()).isEqualTo(Optional.empty());
  }

  @Test
  void aClearEmptiesTheLogInOrder_keepingWhatCameAfter() {
    ClusterEngine engine = engine(10, 10);
    engine.enter("lobby", "alice", "c1");
    ChatMessage before = publish(engine, "lobby", "before");
    ServerEvent cleared = engine.publish("lobby", new ServerEvent.HistoryCleared("lobby", null, null), Exclusion.none())
        .toCompletableFuture().join();
    store.remove("lobby", null);
    publish(engine, "lobby", "after");

    assertThat(cleared).isEqualTo(new ServerEvent.HistoryCleared("lobby", null, before.id()));
    assertThat(engine.recent("lobby", 10).toCompletableFuture().join()).extracting(ChatMessage::text).containsExactly("after");
    assertThat(engine.after("lobby", before.id(), 10).toCompletableFuture().join().orElseThrow())
        .extracting(ChatMessage::text).containsExactly("after");
  }

  @Test
  void pastMaxRooms_theLeastRecentlyActiveRoomNobodyIsIn_isDropped() {
    ClusterEngine engine = engine(10, 2);
    engine.enter("busy", "alice", "c1");
    publish(engine, "quiet", "kept in the store");
    clock.advance(Duration.ofMillis(1));
    publish(engine, "newer", "x");

    assertThat(engine.rooms().toCompletableFuture().join()).containsExactly("busy", "newer");
    assertThat(engine.recent("quiet", 10).toCompletableFuture().join()).isEmpty();
    engine.follow("quiet", 10); // loaded again from the store
    assertThat(engine.recent("quiet", 10).toCompletableFuture().join()).extracting(ChatMessage::text)
        .containsExactly("kept in the store");
  }

  @Test
  void aKeptSessionIsTakenOnce_andNotAfterItsTimeToLive() {
    ClusterEngine engine = engine(10, 10);
    engine.keepSession("s1", new byte[] {1, 2}, Duration.ofSeconds(10));
    engine.keepSession("s2", new byte[] {3}, Duration.ofSeconds(10));

    assertThat(engine.takeSession("s1").toCompletableFuture().join()).hasValueSatisfying(s -> assertThat(s).containsExactly(1, 2));
    assertThat(engine.takeSession("s1").toCompletableFuture().join()).isEmpty();
    clock.advance(Duration.ofSeconds(10));
    assertThat(engine.takeSession("s2").toCompletableFuture().join()).isEmpty();
  }

  @Test
  void routingReachesThisNode() {
    ClusterEngine engine = engine(10, 10);
    ServerEvent event = new ServerEvent.Presence("r", "u", true);

    assertThat(engine.toUser("bob", event).toCompletableFuture().join()).isEqualTo(2);
    assertThat(engine.toConnection("c1", event).toCompletableFuture().join()).isTrue();
    assertThat(engine.disconnect("bob", "bye").toCompletableFuture().join()).isEqualTo(2);
    assertThat(node.routed).containsExactly("user bob", "connection c1", "disconnect bob bye");
  }

  /** Records what the engine hands this node. */
  @Test
  void aClearDuringARecoveryReadOfTheStoreBringsNothingClearedBack() {
    RacingStore racing = new RacingStore(store);
    ClusterEngine engine = new InProcessEngine(racing, clock, 10);
    engine.start(node, 2).toCompletableFuture().join();
    ChatMessage seen = publish(engine, "lobby", "seen");
    for (int i = 1; i <= 5; i++) {
      publish(engine, "lobby", "cleared " + i); // more than the log's 2: a recovery reads the store
    }
    // The read returns the five, then the room is cleared before the engine takes the room's lock.
    racing.beforeNextAfter = () -> {
      engine.publish("lobby", new ServerEvent.HistoryCleared("lobby", "alice", null), Exclusion.none());
      store.remove("lobby", null);
    };

    Optional<List<ChatMessage>> missed = engine.after("lobby", seen.id(), 10).toCompletableFuture().join();

    assertThat(racing.beforeNextAfter).as("the race ran").isNull();
    assertThat(missed.orElse(List.of())).extracting(ChatMessage::text).noneMatch(t -> t.startsWith("cleared"));
  }

  /** A store whose next {@code after} read runs a race first, having read: a race made to order. */
  private static final class RacingStore implements dev.parley.chat.history.HistoryStore {
    private final dev.parley.chat.history.HistoryStore inner;
    volatile Runnable beforeNextAfter;

    RacingStore(dev.parley.chat.history.HistoryStore inner) {
      this.inner = inner;
    }

    @Override
    public Retention retention() {
      return inner.retention();
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> append(String stream, ChatMessage message) {
      return inner.append(stream, message);
    }

    @Override
    public List<ChatMessage> before(String stream, String beforeId, int limit) {
      return inner.before(stream, beforeId, limit);
    }

    @Override
    public List<ChatMessage> after(String stream, String afterId, int limit) {
      List<ChatMessage> read = inner.after(stream, afterId, limit);
      Runnable race = beforeNextAfter;
      if (race != null) {
        beforeNextAfter = null;
        race.run();
      }
      return read;
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> remove(String stream, String throughId) {
      return inner.remove(stream, throughId);
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  private static final class Recorder implements LocalNode {
    final List<RoomEntry> entries = new ArrayList<>();
    final List<String> routed = new ArrayList<>();

    @Override
    public int onRoomEntry(String room, RoomEntry entry) {
      entries.add(entry);
      return 1;
    }

    @Override
    public void onRoomReset(String room, RoomSnapshot snapshot) {
      throw new AssertionError("the in-process engine never loses entries");
    }

    @Override
    public int toUser(String user, ServerEvent event) {
      routed.add("user " + user);
      return 2;
    }

    @Override
    public boolean toConnection(String connectionId, ServerEvent event) {
      routed.add("connection " + connectionId);
      return true;
    }

    @Override
    public int disconnect(String user, String reason) {
      routed.add("disconnect " + user + " " + reason);
      return 2;
    }

    @Override
    public void onRelay(byte[] payload) {
      throw new AssertionError("the in-process engine has no other node to relay from");
    }

    @Override
    public void onEvicted() {
      throw new AssertionError("a single node is never evicted");
    }
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
