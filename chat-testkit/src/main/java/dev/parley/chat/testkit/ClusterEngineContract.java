package dev.parley.chat.testkit;

import static dev.parley.chat.testkit.ClusterContractSupport.assertIdsIncrease;
import static dev.parley.chat.testkit.ClusterContractSupport.draft;
import static dev.parley.chat.testkit.ClusterContractSupport.eventually;
import static dev.parley.chat.testkit.ClusterContractSupport.inParallel;
import static dev.parley.chat.testkit.ClusterContractSupport.indexOfClear;
import static dev.parley.chat.testkit.ClusterContractSupport.message;
import static dev.parley.chat.testkit.ClusterContractSupport.privateMessage;
import static dev.parley.chat.testkit.ClusterContractSupport.texts;
import static dev.parley.chat.testkit.RecordingLocalNode.messagesOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.MessageKind;
import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.cluster.Exclusion;
import dev.parley.chat.cluster.MessageIds;
import dev.parley.chat.cluster.RoomEntry;
import dev.parley.chat.cluster.RoomSnapshot;
import dev.parley.chat.spi.ServerEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link ClusterEngine} contract as JUnit 5 tests: extend it with a class that makes nodes of
 * your engine, and every test here runs against it.
 *
 * <pre>{@code
 * class MyEngineTest extends ClusterEngineContract {
 *   private final String cluster = "test-" + UUID.randomUUID(); // JUnit makes one instance per test
 *
 *   @Override
 *   protected ClusterEngine newNode() {
 *     return new MyEngine(sharedState, cluster);
 *   }
 *
 *   @Override
 *   protected int maxNodes() {
 *     return 3;
 *   }
 * }
 * }</pre>
 *
 * <p>Every node that {@link #newNode} makes during one test belongs to the same cluster, which starts
 * empty for each test. The contract starts each node with a {@link RecordingLocalNode} and a log of
 * {@link #LOG_SIZE} messages, and closes the nodes after the test. The tests that need several nodes
 * are skipped when {@link #maxNodes} is smaller (the in-process engine is a cluster of one); the
 * others run on as many nodes as they use and the engine allows, so a test of one room may have its
 * publisher and its follower on one node or on two. After every test, the contract checks that the
 * engine never called a {@code LocalNode} for a room while another call for that room was running.
 *
 * <p>Threading: JUnit runs each test on one thread, with a fresh instance of the subclass; some tests
 * call the engine from several threads at once, as a server would, so {@link #newNode} must make
 * nodes that are safe to call from any thread.
 *
 * <p>Why one class of over 500 lines: it is the contract, one short test per rule; an implementer
 * extends one class and gets all of them, and an engine cannot pass part of the contract.
 */
public abstract class ClusterEngineContract {
  // Over 500 lines on purpose: one job (the ClusterEngine contract), as a list of short,
  // independent tests over one fixture (the cluster's nodes and the per-room overlap check). Its
  // length is the number of cases; implementers extend this one exported class to get them all, and
  // splitting it by topic would add public types without separating any logic.

  /** How long a test waits for the engine to deliver or answer. */
  protected static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** The log size every node of the tests is started with. */
  protected static final int LOG_SIZE = 50;

  private final List<Node> nodes = new ArrayList<>();
  private final Set<Node> closed = new HashSet<>();

  /** Creates the contract tests. */
  protected ClusterEngineContract() {}

  /**
   * A new node of this test's cluster, not yet started: every call in one test joins the same
   * cluster, whose state starts empty for each test.
   *
   * @return the engine of the new node
   */
  protected abstract ClusterEngine newNode();

  /**
   * How many nodes {@link #newNode} can make in one test: 1 for an engine that is the whole cluster
   * in one process, at least 2 for a cluster engine (3 makes the fan-out tests use three).
   *
   * @return the most nodes a test may make
   */
  protected abstract int maxNodes();

  /** A started node: its engine, and the local node the engine delivers to. */
  private record Node(ClusterEngine engine, RecordingLocalNode local) {}

  /** Two nodes of the cluster, or one in both parts for an engine of one node. */
  private record Pair(Node first, Node second) {}

  @AfterEach
  void closeNodes() {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      close(nodes.get(i));
    }
    for (Node node : nodes) {
      assertEquals(0, node.local().overlappingRoomCalls(), "calls for one room came one at a time");
    }
  }

  // ------------------------------------------------------------------ order

  @Test
  void publishGivesEachMessageItsIdAndTimeInIncreasingOrder() {
    Node node = startNode();
    long previous = 0;
    for (int i = 0; i < 20; i++) {
      ChatMessage draft = draft("lobby", "m" + i).toBuilder().data(Map.of("i", (long) i)).build();

      ChatMessage ordered = message(join(node.engine().publish("lobby", new ServerEvent.Message(draft), none())));

      long id = MessageIds.parse(ordered.id());
      assertTrue(id > previous, "ids increase: " + ordered.id() + " after " + MessageIds.format(previous));
      assertEquals(MessageIds.time(id), ordered.time(), "a message's time is its id's");
      assertEquals(draft, ordered.toBuilder().id(draft.id()).time(draft.time()).build(), "the rest is kept");
      previous = id;
    }
  }

  @Test
  void aFollowerGetsEveryEntryOnceInOrderWithItsExclusion() {
    Pair two = startPair();
    Node publisher = two.first();
    Node follower = two.second();
    join(follower.engine().follow("lobby", 0));

    Exclusion sender = new Exclusion("c1", null);
    Exclusion bob = new Exclusion(null, "bob");
    ServerEvent joined = new ServerEvent.Presence("lobby", "bob", true);
    ServerEvent hi = join(publisher.engine().publish("lobby", new ServerEvent.Message(draft("lobby", "hi")), sender));
    // Whatever throughId a publisher passes, the engine puts the clear's place in the order there.
    ServerEvent cleared = new ServerEvent.HistoryCleared("lobby", "alice", message(hi).id());
    List<RoomEntry> expected = List.of(
        new RoomEntry(hi, sender),
        new RoomEntry(join(publisher.engine().publish("lobby", joined, bob)), bob),
        new RoomEntry(join(publisher.engine().publish("lobby",
            new ServerEvent.HistoryCleared("lobby", "alice", "9999999999999"), none())), none()),
        new RoomEntry(new ServerEvent.Message(publish(publisher, "lobby", "last")), none()));

    assertEquals(joined, expected.get(1).event(), "events other than messages are kept as they are");
    assertEquals(cleared, expected.get(2).event(), "a clear comes after the newest message before it");
    assertEquals(expected, follower.local().awaitEntries("lobby", expected.size(), TIMEOUT));
  }

  @Test
  void severalNodesPublishingToOneRoomGiveEveryFollowerTheSameOrder() throws Exception {
    List<Node> all = startSeveral(Math.min(3, Math.max(2, maxNodes())));
    for (Node node : all) {
      join(node.engine().follow("lobby", 0));
    }
    int perNode = 50;

    List<List<ChatMessage>> sentByNode = inParallel(all.size(), n -> () -> {
      List<ChatMessage> sent = new ArrayList<>();
      for (int i = 0; i < perNode; i++) {
        sent.add(publish(all.get(n), "lobby", "node " + n + " #" + i));
      }
      return sent;
    });

    int total = perNode * all.size();
    List<ChatMessage> order = messagesOf(all.get(0).local().awaitEntries("lobby", total, TIMEOUT));
    for (Node node : all) {
      assertEquals(order, messagesOf(node.local().awaitEntries("lobby", total, TIMEOUT)), "one order for all");
    }
    assertEquals(total, new HashSet<>(order).size(), "each message once");
    assertIdsIncrease(order);
    for (List<ChatMessage> sent : sentByNode) {
      assertEquals(sent, order.stream().filter(sent::contains).toList(), "a node's publishes keep their order");
    }
  }

  @Test
  void followGivesASnapshotThenEveryLaterEntryWithoutGapOrDuplicate() throws Exception {
    Pair two = startPair();
    Node publisher = two.first();
    Node follower = two.second();
    List<ChatMessage> sent = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 30; i++) {
      sent.add(publish(publisher, "lobby", "before " + i));
    }

    RoomSnapshot snapshot;
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<?> publishing = pool.submit(() -> {
        for (int i = 0; i < 60; i++) {
          sent.add(publish(publisher, "lobby", "during " + i));
        }
      });
      snapshot = join(follower.engine().follow("lobby", LOG_SIZE));
      publishing.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    sent.add(publish(publisher, "lobby", "after"));
    follower.local().awaitMessage("lobby", "after", TIMEOUT);

    List<ChatMessage> delivered = follower.local().messages("lobby");
    int firstDelivered = delivered.isEmpty() ? sent.size() : sent.indexOf(delivered.get(0));
    assertEquals(sent.subList(firstDelivered, sent.size()), delivered, "every entry after the snapshot, once");
    assertEquals(sent.subList(Math.max(0, firstDelivered - LOG_SIZE), firstDelivered), snapshot.recent(),
        "the snapshot ends where the entries begin");
    assertEquals(sent.get(firstDelivered - 1).id(), snapshot.lastId());
  }

  @Test
  void followsAreCountedAndUnfollowStopsDelivery() {
    Pair two = startPair();
    Node publisher = two.first();
    Node follower = two.second();
    join(follower.engine().follow("lobby", 0));
    join(follower.engine().follow("lobby", 0));

    follower.engine().unfollow("lobby");
    publish(publisher, "lobby", "still followed");
    follower.local().awaitMessage("lobby", "still followed", TIMEOUT);
    follower.engine().unfollow("lobby");
    publish(publisher, "lobby", "not followed");
    RoomSnapshot again = join(follower.engine().follow("lobby", 1));
    publish(publisher, "lobby", "followed again");

    // Entries of a room come in order: had "not followed" been delivered, it would be here by now.
    assertEquals(List.of("still followed", "followed again"),
        texts(follower.local().awaitMessage("lobby", "followed again", TIMEOUT)));
    assertEquals(List.of("not followed"), texts(again.recent()), "the new snapshot holds what was missed");
  }

  // ------------------------------------------------------------------ log

  @Test
  void recentAndAfterReadTheSharedLog() {
    Pair two = startPair();
    Node writer = two.first();
    ClusterEngine reader = two.second().engine();
    List<ChatMessage> sent = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sent.add(publish(writer, "lobby", "m" + i));
    }

    assertEquals(sent.subList(5, 10), join(reader.recent("lobby", 5)));
    assertEquals(sent, join(reader.recent("lobby", 100)));
    assertEquals(List.of(), join(reader.recent("empty", 10)));
    assertEquals(Optional.of(sent.subList(4, 10)), join(reader.after("lobby", sent.get(3).id(), 100)));
    assertEquals(Optional.of(sent.subList(4, 10)), join(reader.after("lobby", sent.get(3).id(), 6)), "at the limit");
    assertEquals(Optional.of(List.of()), join(reader.after("lobby", sent.get(9).id(), 100)), "nothing missed");
    assertEquals(Optional.empty(), join(reader.after("lobby", sent.get(3).id(), 5)), "more came than the limit");
    assertEquals(Optional.empty(), join(reader.after("lobby", "not-an-id", 100)), "not a message id");
    String future = MessageIds.format(MessageIds.parse(sent.get(9).id()) + (1L << 40));
    assertEquals(Optional.empty(), join(reader.after("lobby", future, 100)), "an id newer than any the cluster made");

    // Ids are one sequence for all rooms: Socket.IO's offset, one for all of a client's rooms, is
    // the id of a message of any of them.
    ChatMessage elsewhere = publish(writer, "other", "elsewhere");
    assertEquals(Optional.of(List.of(elsewhere)), join(reader.after("other", sent.get(3).id(), 100)),
        "an id of another room");
    assertEquals(Optional.of(List.of()), join(reader.after("empty", sent.get(3).id(), 100)),
        "an id of another room, in a room with no messages");
  }

  /**
   * An edit or deletion is an entry of the room's order: the engine gives it a revision (an id of the
   * order) and the time of the change, followers get it in order, and the log returns the message's
   * new version, in {@code recent} where the message stands and in {@code after} where its change
   * was ordered. A change of a message the log does not hold, or of a deleted one, is refused.
   */
  @Test
  void aChangeIsAnEntryOfTheOrder_andTheLogHoldsTheNewVersion() {
    Pair two = startPair();
    Node writer = two.first();
    Node follower = two.second();
    join(follower.engine().follow("lobby", 10));
    ChatMessage first = publish(writer, "lobby", "first");
    ChatMessage second = publish(writer, "lobby", "second");

    ServerEvent ordered = join(writer.engine().publish("lobby",
        new ServerEvent.MessageChanged(first.toBuilder().text("first, edited").build()), none()));
    ChatMessage edited = ((ServerEvent.MessageChanged) ordered).message();
    ChatMessage tombstone = ((ServerEvent.MessageChanged) join(writer.engine().publish("lobby",
        new ServerEvent.MessageChanged(second.toBuilder().text("").deleted(true).build()), none()))).message();

    assertEquals(first.id(), edited.id());
    assertEquals("first, edited", edited.text());
    assertTrue(edited.revision().compareTo(second.id()) > 0, "placed after every message before it");
    assertEquals(MessageIds.time(MessageIds.parse(edited.revision())), edited.edited());
    assertTrue(tombstone.deleted());
    List<RoomEntry> entries = follower.local().awaitEntries("lobby", 4, TIMEOUT);
    assertEquals(new ServerEvent.MessageChanged(edited), entries.get(2).event());
    assertEquals(new ServerEvent.MessageChanged(tombstone), entries.get(3).event());
    ClusterEngine reader = follower.engine();
    assertEquals(List.of(edited, tombstone), join(reader.recent("lobby", 10)));
    assertEquals(Optional.of(List.of(edited, tombstone)), join(reader.after("lobby", second.id(), 10)));
    assertEquals(Optional.of(List.of(tombstone)), join(reader.after("lobby", edited.revision(), 10)));

    assertRefused(writer, tombstone.toBuilder().text("back").deleted(false).build(), ErrorCodes.UNKNOWN_MESSAGE);
    ChatMessage never = draft("lobby", "never published").toBuilder()
        .id(MessageIds.format(MessageIds.parse(first.id()) - 1)).build();
    assertRefused(writer, never, ErrorCodes.MESSAGE_TOO_OLD);
    assertEquals(List.of(edited, tombstone), join(reader.recent("lobby", 10)), "a refused change changes nothing");
  }

  private static void assertRefused(Node node, ChatMessage version, String code) {
    java.util.concurrent.CompletableFuture<ServerEvent> refused = node.engine()
        .publish("lobby", new ServerEvent.MessageChanged(version), none()).toCompletableFuture();
    Throwable failure = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> refused.get(TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
    assertTrue(cause instanceof dev.parley.chat.ChatException, "refused with a ChatException, was " + cause);
    assertEquals(code, ((dev.parley.chat.ChatException) cause).code());
  }

  /**
   * A presence change's live notice takes its place in the order, with an id as a message's, but the
   * log never returns it: a client recovers from its id, and is given what came after it.
   */
  @Test
  void aPresencesLiveNoticeHasAnIdInTheOrderButStaysOutOfTheLog() {
    Pair two = startPair();
    Node writer = two.first();
    Node follower = two.second();
    join(follower.engine().follow("lobby", 0));
    ChatMessage before = publish(writer, "lobby", "before");
    ChatMessage draft = ChatMessage.builder(MessageIds.format(1), Instant.EPOCH, MessageKind.NOTICE, "bob has joined")
        .room("lobby").build();
    Exclusion bob = new Exclusion(null, "bob");

    ServerEvent.Presence ordered = (ServerEvent.Presence) join(writer.engine().publish("lobby",
        new ServerEvent.Presence("lobby", "bob", true, draft), bob));
    ChatMessage after = publish(writer, "lobby", "after");

    ChatMessage notice = ordered.notice();
    assertTrue(notice.id().compareTo(before.id()) > 0 && notice.id().compareTo(after.id()) < 0,
        "the notice's id is its place in the order: " + notice.id());
    assertEquals(MessageIds.time(MessageIds.parse(notice.id())), notice.time(), "its time is its id's");
    assertEquals(draft, notice.toBuilder().id(draft.id()).time(draft.time()).build(), "the rest is kept");
    assertEquals(List.of(new RoomEntry(new ServerEvent.Message(before), none()), new RoomEntry(ordered, bob),
        new RoomEntry(new ServerEvent.Message(after), none())), follower.local().awaitEntries("lobby", 3, TIMEOUT));
    assertEquals(List.of(before, after), join(follower.engine().recent("lobby", 10)), "not in the log");
    assertEquals(Optional.of(List.of(after)), join(follower.engine().after("lobby", notice.id(), 10)),
        "recovering from the notice's id");
  }

  @Test
  void aLogPastItsSizeNeverAnswersWithAGap() {
    Pair two = startPair();
    List<ChatMessage> sent = new ArrayList<>();
    for (int i = 0; i < LOG_SIZE + 20; i++) {
      sent.add(publish(two.first(), "lobby", "m" + i));
    }

    // The log keeps at least LOG_SIZE; what it answers about the older part is all of it or nothing.
    Optional<List<ChatMessage>> fromTheStart = join(two.second().engine().after("lobby", sent.get(0).id(), 1000));
    fromTheStart.ifPresent(missed -> assertEquals(sent.subList(1, sent.size()), missed));
    assertEquals(Optional.of(sent.subList(sent.size() - LOG_SIZE, sent.size())),
        join(two.second().engine().after("lobby", sent.get(sent.size() - LOG_SIZE - 1).id(), 1000)),
        "within the log's size");
  }

  @Test
  void clearingHistoryEmptiesTheLogAndKeepsWhatCameAfter() {
    Pair pair = startPair();
    Node writer = pair.first();
    Node clearer = pair.second();
    assertEquals(new ServerEvent.HistoryCleared("lobby", "alice", null), clear(clearer, "lobby"),
        "a clear of a room without messages comes after none");
    publish(writer, "lobby", "one");
    ChatMessage two = publish(writer, "lobby", "two");
    join(writer.engine().publish("lobby", new ServerEvent.Presence("lobby", "bob", true), none()));
    assertEquals(new ServerEvent.HistoryCleared("lobby", "alice", two.id()), clear(clearer, "lobby"),
        "a clear comes after the room's newest message, whatever else came between");
    assertEquals(new ServerEvent.HistoryCleared("lobby", "alice", two.id()), clear(clearer, "lobby"),
        "a second clear falls where the first did: no message came between them");
    publish(writer, "other", "elsewhere");
    assertEquals(new ServerEvent.HistoryCleared("lobby", "alice", two.id()), clear(clearer, "lobby"),
        "messages of other rooms do not count");
    ChatMessage three = publish(writer, "lobby", "three");

    assertEquals(List.of(three), join(clearer.engine().recent("lobby", 10)));
    RoomSnapshot snapshot = join(clearer.engine().follow("lobby", 10));
    assertEquals(List.of(three), snapshot.recent());
    assertEquals(three.id(), snapshot.lastId());
  }

  @Test
  void aClearAmongMessagesFromOtherNodesKeepsExactlyThoseOrderedAfterIt() throws Exception {
    List<Node> all = startUpTo(3);
    Node clearer = all.get(all.size() - 1);
    for (Node node : all) {
      join(node.engine().follow("lobby", 0));
    }
    int perNode = 15; // all of them fit in the log, so that recent() shows every one after the clear
    ServerEvent[] cleared = new ServerEvent[1];

    // Every node publishes while the last one clears, after the first few: where the clear lands
    // among the publishers is the test's input.
    inParallel(all.size() + 1, n -> () -> {
      if (n < all.size()) {
        for (int i = 0; i < perNode; i++) {
          publish(all.get(n), "lobby", "node " + n + " #" + i);
        }
      } else {
        clearer.local().awaitEntries("lobby", 10, TIMEOUT);
        cleared[0] = clear(clearer, "lobby");
      }
      return null;
    });

    int total = perNode * all.size() + 1;
    List<RoomEntry> order = clearer.local().awaitEntries("lobby", total, TIMEOUT);
    int clearAt = indexOfClear(order);
    List<ChatMessage> orderedBefore = messagesOf(order.subList(0, clearAt));
    List<ChatMessage> orderedAfterClear = messagesOf(order.subList(clearAt + 1, order.size()));
    assertEquals(orderedAfterClear, join(all.get(0).engine().recent("lobby", LOG_SIZE)));
    String through = orderedBefore.isEmpty() ? null : orderedBefore.get(orderedBefore.size() - 1).id();
    assertEquals(new ServerEvent.HistoryCleared("lobby", "alice", through), cleared[0],
        "the clear comes after the newest message ordered before it");
    for (Node node : all) {
      List<RoomEntry> seen = node.local().awaitEntries("lobby", total, TIMEOUT);
      assertEquals(cleared[0], seen.get(indexOfClear(seen)).event(), "every node is told the same place");
    }
  }

  // ------------------------------------------------------------------ ids

  @Test
  void nextIdIsUniqueAndIncreasingOnEveryNode() throws Exception {
    List<Node> all = startUpTo(3);
    int perNode = 200;

    List<List<String>> idsByNode = inParallel(all.size(), n -> () -> {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < perNode; i++) {
        ids.add(join(all.get(n).engine().nextId()));
      }
      return ids;
    });

    Set<String> unique = new HashSet<>();
    for (List<String> ids : idsByNode) {
      for (int i = 1; i < ids.size(); i++) {
        assertTrue(MessageIds.parse(ids.get(i)) > MessageIds.parse(ids.get(i - 1)), "increasing: " + ids);
      }
      unique.addAll(ids);
    }
    assertEquals(perNode * all.size(), unique.size(), "unique across the cluster");
  }

  @Test
  void nextIdComesAfterEveryMessageTheNodeHasSeen() {
    Pair two = startPair();
    Node publisher = two.first();
    Node follower = two.second();
    join(follower.engine().follow("lobby", 0));

    ChatMessage m = publish(publisher, "lobby", "hi");
    follower.local().awaitMessage("lobby", "hi", TIMEOUT);

    assertTrue(MessageIds.parse(join(follower.engine().nextId())) > MessageIds.parse(m.id()));
    assertTrue(MessageIds.parse(join(publisher.engine().nextId())) > MessageIds.parse(m.id()));
  }

  // ------------------------------------------------------------------ names

  @Test
  void aNameClaimedNotSharedIsOneConnectionsAcrossTheCluster() {
    Pair two = startPair();
    ClusterEngine a = two.first().engine();
    ClusterEngine b = two.second().engine();

    assertTrue(join(a.claim("alice", "a1", false)));
    assertFalse(join(b.claim("alice", "b1", false)), "taken");
    assertFalse(join(b.claim("alice", "b2", true)), "not shared with a shared claim either");
    assertTrue(join(a.claim("bot", "a2", true)));
    assertTrue(join(b.claim("bot", "b3", true)), "shared claims share");
    assertFalse(join(b.claim("bot", "b4", false)), "a shared name is nobody's alone");
  }

  @Test
  void aNameIsFreeAgainWhenItsLastConnectionReleasesIt() {
    Pair two = startPair();
    ClusterEngine a = two.first().engine();
    ClusterEngine b = two.second().engine();
    join(a.claim("alice", "a1", false));
    join(a.claim("bot", "a2", true));
    join(b.claim("bot", "b1", true));

    join(a.release("alice", "a1"));
    join(a.release("bot", "a2"));

    assertTrue(join(b.claim("alice", "b2", false)));
    assertFalse(join(a.claim("bot", "a3", false)), "b1 still holds it");
    join(b.release("bot", "b1"));
    assertTrue(join(a.claim("bot", "a3", false)));
  }

  @Test
  void aContinuingConnectionTakesOverTheNameOfTheOneItContinues() {
    Pair two = startPair();
    ClusterEngine a = two.first().engine();
    ClusterEngine b = two.second().engine();
    join(a.claim("alice", "a1", false));

    assertFalse(join(b.claim("alice", "b1", false)), "held by a1");
    assertTrue(join(b.takeOver("alice", "b1", false, "a1")), "b1 continues a1");
    assertFalse(join(b.claim("alice", "b2", false)), "now b1's");
    join(a.release("alice", "a1")); // the earlier connection closes late: the name stays b1's
    assertFalse(join(a.claim("alice", "a2", false)), "still b1's");
    assertTrue(join(a.onlineUsers()).contains("alice"));

    join(a.claim("carol", "a3", false));
    assertFalse(join(b.takeOver("carol", "b3", false, "a1")), "a1 never held carol: nothing passes");
    assertTrue(join(b.takeOver("dave", "b4", false, "a9")), "a free name is claimed as usual");
  }

  @Test
  void aTakeOverThatCannotClaimLeavesTheEarlierConnectionItsName() {
    Pair two = startPair();
    ClusterEngine a = two.first().engine();
    ClusterEngine b = two.second().engine();
    join(a.claim("bot", "a1", true));
    join(a.claim("bot", "a2", true));

    assertFalse(join(b.takeOver("bot", "b1", false, "a1")), "a2 shares it: it is nobody's alone");
    join(a.release("bot", "a2"));
    assertFalse(join(b.claim("bot", "b2", false)), "a1 still holds it");
  }

  @Test
  void aNodeThatLeavesAfterATakeOverLeavesTheNameToItsNewHolder() {
    List<Node> two = startSeveral(2);
    Node staying = two.get(0);
    Node leaving = two.get(1);
    connect(leaving, "alice", "l1", false);
    connect(leaving, "bob", "l2", false);
    join(leaving.engine().enter("lobby", "alice", "l1"));
    join(leaving.engine().enter("lobby", "bob", "l2"));
    assertTrue(join(staying.engine().takeOver("alice", "s1", false, "l1")));
    join(staying.engine().enter("lobby", "alice", "s1"));

    close(leaving);

    eventually("the leaving node's users are gone", () -> !join(staying.engine().onlineUsers()).contains("bob")
        && !join(staying.engine().members("lobby")).contains("bob"));
    assertTrue(join(staying.engine().onlineUsers()).contains("alice"), "alice is still online, through s1");
    assertEquals(List.of("alice"), join(staying.engine().members("lobby")));
    assertFalse(join(staying.engine().claim("alice", "s2", false)), "the name is still s1's");
  }

  @Test
  void aRaceForOneNameHasOneWinner() throws Exception {
    List<Node> all = startUpTo(3);
    int perNode = 8;

    List<List<Boolean>> won = inParallel(all.size() * perNode,
        t -> () -> List.of(join(all.get(t % all.size()).engine().claim("alice", "c" + t, false))));

    assertEquals(1, won.stream().filter(w -> w.get(0)).count());
  }

  // ------------------------------------------------------------------ presence

  @Test
  void enterAndExitCountAUsersConnectionsOnEveryNode() {
    Pair two = startPair();
    ClusterEngine a = two.first().engine();
    ClusterEngine b = two.second().engine();

    assertTrue(join(a.enter("lobby", "alice", "a1")), "first connection in");
    assertFalse(join(b.enter("lobby", "alice", "b1")));
    assertFalse(join(a.enter("lobby", "alice", "a2")));
    assertTrue(join(b.enter("lobby", "bob", "b2")), "another user's first");
    assertFalse(join(a.exit("lobby", "alice", "a1")));
    assertFalse(join(b.exit("lobby", "alice", "b1")));
    assertEquals(List.of("alice", "bob"), join(b.members("lobby")));
    assertTrue(join(a.exit("lobby", "alice", "a2")), "last connection out");
    assertEquals(List.of("bob"), join(a.members("lobby")));
  }

  @Test
  void concurrentEntersHaveOneFirstAndConcurrentExitsOneLast() throws Exception {
    List<Node> all = startUpTo(3);
    int connections = 12;

    List<List<Boolean>> entered = inParallel(connections,
        c -> () -> List.of(join(all.get(c % all.size()).engine().enter("lobby", "alice", "c" + c))));
    List<List<Boolean>> exited = inParallel(connections,
        c -> () -> List.of(join(all.get(c % all.size()).engine().exit("lobby", "alice", "c" + c))));

    assertEquals(1, entered.stream().filter(e -> e.get(0)).count(), "one first");
    assertEquals(1, exited.stream().filter(e -> e.get(0)).count(), "one last");
    assertEquals(List.of(), join(all.get(0).engine().members("lobby")));
  }

  @Test
  void membersRoomsAndOnlineUsersAnswerForTheCluster() {
    Pair two = startPair();
    Node a = two.first();
    ClusterEngine b = two.second().engine();
    connect(a, "carol", "a1", false);
    join(b.claim("bob", "b1", false));
    join(b.enter("lobby", "bob", "b1"));
    join(b.enter("games", "bob", "b1"));
    join(a.engine().enter("lobby", "carol", "a1"));
    publish(a, "archive", "a room of messages, without members");

    assertEquals(List.of("bob", "carol"), join(a.engine().members("lobby")), "in name order");
    assertEquals(Set.of("lobby", "games", "archive"), join(a.engine().rooms()));
    assertEquals(Set.of("bob", "carol"), join(a.engine().onlineUsers()));
    assertTrue(join(a.engine().isOnline("bob")), "bob, from the other node");
    assertFalse(join(a.engine().isOnline("dave")));

    join(b.exit("games", "bob", "b1"));
    join(b.release("bob", "b1"));

    assertEquals(Set.of("lobby", "archive"), join(a.engine().rooms()), "a room without members or messages goes");
    assertEquals(Set.of("carol"), join(a.engine().onlineUsers()));
    assertFalse(join(a.engine().isOnline("bob")), "gone with his last connection");
  }

  // ------------------------------------------------------------------ routing

  @Test
  void toUserReachesEveryConnectionOfTheUserOnEveryNode() {
    List<Node> all = startUpTo(3);
    Node first = all.get(0);
    Node last = all.get(all.size() - 1);
    Node sender = all.get(all.size() / 2);
    connect(first, "alice", "a1", true);
    connect(first, "alice", "a2", true);
    connect(last, "alice", "a3", true);
    connect(sender, "bob", "b1", false);
    ServerEvent hello = privateMessage("alice", "hello");
    ServerEvent hey = privateMessage("bob", "hey");

    int queued = join(sender.engine().toUser("alice", hello));
    int queuedToBob = join(sender.engine().toUser("bob", hey));

    assertEquals(List.of(hello), first.local().awaitReceived("a1", 1, TIMEOUT));
    assertEquals(List.of(hello), first.local().awaitReceived("a2", 1, TIMEOUT));
    assertEquals(List.of(hello), last.local().awaitReceived("a3", 1, TIMEOUT));
    assertEquals(List.of(hey), sender.local().awaitReceived("b1", 1, TIMEOUT), "nobody else's");
    // The sender's own connections count exactly; another node's may count once for all of them.
    Map<Node, Integer> aliceOn = new IdentityHashMap<>(Map.of(first, 2));
    aliceOn.merge(last, 1, Integer::sum);
    int atLeast = aliceOn.entrySet().stream().mapToInt(e -> e.getKey() == sender ? e.getValue() : 1).sum();
    assertTrue(queued >= atLeast && queued <= 3, "queued to " + queued + " of alice's 3 connections");
    assertEquals(1, queuedToBob);
    assertEquals(0, join(sender.engine().toUser("nobody", hello)), "a user with no connection");
  }

  @Test
  void toConnectionReachesTheOneConnectionOnWhicheverNodeHoldsIt() {
    Pair two = startPair();
    ClusterEngine sender = two.first().engine();
    Node holder = two.second();
    connect(holder, "alice", "c1", true);
    connect(holder, "alice", "c2", true);
    ServerEvent notice = new ServerEvent.Message(
        ChatMessage.builder(join(sender.nextId()), Instant.now(), MessageKind.NOTICE, "only you").build());

    assertTrue(join(sender.toConnection("c1", notice)));
    assertTrue(join(sender.toConnection("c2", privateMessage("alice", "marker"))));

    holder.local().awaitReceived("c2", 1, TIMEOUT);
    assertEquals(List.of(notice), holder.local().awaitReceived("c1", 1, TIMEOUT));
    assertEquals(1, holder.local().received("c2").size(), "not the user's other connection");
    assertFalse(join(sender.toConnection("nowhere", notice)));
  }

  @Test
  void disconnectClosesEveryConnectionOfTheUserOnEveryNode() {
    Pair two = startPair();
    Node a = two.first();
    Node b = two.second();
    connect(a, "alice", "a1", true);
    connect(b, "alice", "b1", true);
    connect(b, "bob", "b2", false);

    int closed = join(a.engine().disconnect("alice", "banned"));

    eventually("both of alice's connections closed",
        () -> "banned".equals(a.local().closeReason("a1")) && "banned".equals(b.local().closeReason("b1")));
    assertEquals(2, closed);
    assertNull(b.local().closeReason("b2"), "nobody else's");
  }

  // ------------------------------------------------------------------ relay

  @Test
  void aRelayReachesEveryOtherNodeOnceInOrderAndNeverItsSender() {
    List<Node> started = startUpTo(3);
    Node sender = started.get(0);
    List<byte[]> sent = List.of(new byte[] {0, 1, (byte) 0xff, '\n'}, new byte[0],
        "ünïcode ✓".getBytes(StandardCharsets.UTF_8), "end".getBytes(StandardCharsets.UTF_8));

    for (byte[] payload : sent) {
      join(sender.engine().relay(payload));
    }

    if (started.size() == 1) {
      assertTrue(sender.local().relayed().isEmpty(), "an engine of one node relays to nobody");
      return;
    }
    for (Node other : started.subList(1, started.size())) {
      List<byte[]> got = other.local().awaitRelayed(sent.size(), TIMEOUT);
      assertEquals(sent.size(), got.size(), "each payload once");
      for (int i = 0; i < sent.size(); i++) {
        assertArrayEquals(sent.get(i), got.get(i), "payload " + i + ", unchanged and in order");
      }
    }
    // Relayed by another node after it had the sender's last payload: had the sender been given its
    // own payloads, they would have come first.
    byte[] reply = {42};
    join(started.get(1).engine().relay(reply));
    List<byte[]> back = sender.local().awaitRelayed(1, TIMEOUT);
    assertEquals(1, back.size(), "the sender got none of its own payloads");
    assertArrayEquals(reply, back.get(0));
  }

  @Test
  void aCountedRelayTellsHowManyOtherNodesTookIt() {
    List<Node> started = startUpTo(3);
    byte[] payload = {7};

    int count = join(started.get(0).engine().relayCounted(payload));

    if (count == -1) {
      return; // an engine that cannot tell, as the SPI's default
    }
    assertEquals(started.size() - 1, count, "every other node, none of which lost its connection");
    for (Node other : started.subList(1, started.size())) {
      List<byte[]> got = other.local().awaitRelayed(1, TIMEOUT);
      assertEquals(1, got.size(), "relayed as relay does");
      assertArrayEquals(payload, got.get(0));
    }
  }

  // ------------------------------------------------------------------ recovery sessions

  @Test
  void aKeptSessionIsTakenOnceFromAnyNode() {
    Pair two = startPair();
    ClusterEngine a = two.first().engine();
    ClusterEngine b = two.second().engine();
    byte[] first = "state 1".getBytes(StandardCharsets.UTF_8);
    byte[] newest = "state 2: ✓".getBytes(StandardCharsets.UTF_8);

    join(a.keepSession("s1", first, Duration.ofMinutes(1)));
    join(a.keepSession("s1", newest, Duration.ofMinutes(1)));

    assertArrayEquals(newest, join(b.takeSession("s1")).orElseThrow(), "the newest write");
    assertEquals(Optional.empty(), join(a.takeSession("s1")), "taken");
    assertEquals(Optional.empty(), join(b.takeSession("never-kept")));
  }

  @Test
  void aKeptSessionExpiresAfterItsTtl() {
    ClusterEngine node = startNode().engine();
    Duration ttl = Duration.ofMillis(300);
    byte[] state = {1, 2, 3};
    join(node.keepSession("s1", state, ttl));
    long keptAt = System.nanoTime(); // the write is done, so the session expires by keptAt + ttl

    eventually("the session expired", () -> {
      Optional<byte[]> taken = join(node.takeSession("s1"));
      if (taken.isEmpty()) {
        return true;
      }
      // Still there: put it back for what is left of its ttl, so that looking does not extend it.
      long leftMillis = ttl.toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - keptAt);
      join(node.keepSession("s1", taken.get(), Duration.ofMillis(Math.max(1, leftMillis))));
      return false;
    });
    assertTrue(System.nanoTime() - keptAt >= ttl.toNanos() - TimeUnit.MILLISECONDS.toNanos(50), "not before its ttl");
  }

  // ------------------------------------------------------------------ leaving

  @Test
  void aClosedNodesClaimsPresenceAndFollowsGo() {
    List<Node> two = startSeveral(2);
    Node staying = two.get(0);
    Node leaving = two.get(1);
    connect(leaving, "bob", "b1", false);
    join(leaving.engine().enter("lobby", "bob", "b1"));
    join(leaving.engine().follow("lobby", 0));
    join(staying.engine().follow("lobby", 0));

    close(leaving);

    eventually("bob left the cluster", () -> !join(staying.engine().onlineUsers()).contains("bob")
        && !join(staying.engine().members("lobby")).contains("bob"));
    assertTrue(join(staying.engine().claim("bob", "a1", false)), "the name is free");
    publish(staying, "lobby", "after the close");
    staying.local().awaitMessage("lobby", "after the close", TIMEOUT);
    assertFalse(texts(leaving.local().messages("lobby")).contains("after the close"), "a closed node gets nothing");
  }

  // ------------------------------------------------------------------ helpers

  private Node startNode() {
    Node node = new Node(newNode(), new RecordingLocalNode());
    nodes.add(node);
    join(node.engine().start(node.local(), LOG_SIZE));
    return node;
  }

  private void close(Node node) {
    if (closed.add(node)) {
      node.engine().close();
    }
  }

  /** As many nodes as wanted, or as the engine allows if fewer. */
  private List<Node> startUpTo(int wanted) {
    List<Node> started = new ArrayList<>();
    for (int i = 0; i < Math.min(wanted, maxNodes()); i++) {
      started.add(startNode());
    }
    return started;
  }

  private Pair startPair() {
    List<Node> started = startUpTo(2);
    return new Pair(started.get(0), started.get(started.size() - 1));
  }

  /** Exactly {@code count} nodes; skips the test for an engine that cannot make that many. */
  private List<Node> startSeveral(int count) {
    assumeTrue(maxNodes() >= count, "needs " + count + " nodes; the engine makes " + maxNodes());
    return startUpTo(count);
  }

  /** A connection of a user held by a node: known to its local node, and claimed in the cluster. */
  private static void connect(Node node, String user, String connectionId, boolean shared) {
    node.local().connect(user, connectionId);
    assertTrue(join(node.engine().claim(user, connectionId, shared)), "claimed " + user);
  }

  /** Clears a room's history as alice, and returns the clear as the engine ordered it. */
  private static ServerEvent clear(Node node, String room) {
    return join(node.engine().publish(room, new ServerEvent.HistoryCleared(room, "alice", null), none()));
  }

  private static ChatMessage publish(Node node, String room, String text) {
    return message(join(node.engine().publish(room, new ServerEvent.Message(draft(room, text)), none())));
  }

  private static Exclusion none() {
    return Exclusion.none();
  }

  /**
   * Waits for a stage of the engine, and fails the test if it failed or took longer than {@link
   * #TIMEOUT}.
   *
   * @param stage the stage
   * @param <T> its value's type
   * @return its value
   */
  protected static <T> T join(CompletionStage<T> stage) {
    return ClusterContractSupport.join(stage);
  }
}
