package dev.parley.chat.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.MessageKind;
import dev.parley.chat.history.Restriction;
import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.history.Retention;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link HistoryStore} contract as JUnit 5 tests: extend it with a class that makes fresh stores
 * of your implementation, and every test here runs against it.
 *
 * <pre>{@code
 * class MyStoreTest extends HistoryStoreContract {
 *   @Override
 *   protected HistoryStore newStore(Retention retention, Clock clock) {
 *     return new MyStore(retention, clock);
 *   }
 * }
 * }</pre>
 *
 * <p>Each test gets an empty store from {@link #newStore}. A store that keeps messages across a
 * restart also overrides {@link #persistent()} and {@link #reopen}, and the restart tests run too.
 * Message times are whole milliseconds, as the server makes them. Structured data holds JSON values
 * as they come off the wire: integers as {@code Long}, other numbers as {@code Double}.
 *
 * <p>Stores made here are closed after each test.
 *
 * <p>Threading: JUnit runs each test on one thread, with a fresh instance of the subclass; most tests
 * call the store from that thread, one calls it from several threads at once, and they wait on the
 * stages it returns, which may complete on any thread: {@link #newStore} must make stores that are
 * safe to call from any thread.
 *
 * <p>Why one class of over 500 lines: it is the contract, one short test per rule; an implementer
 * extends one class and gets all of them, and a store cannot pass part of the contract.
 */
public abstract class HistoryStoreContract {
  // Over 500 lines on purpose: one job (the HistoryStore contract), as a list of short, independent
  // tests over one fixture (a fresh store per test, closed after it). Its length is the number of
  // cases; implementers extend this one exported class to get them all, and splitting it by topic
  // would add public types without separating any logic.

  /** How long a test waits for a store to make an append durable. */
  protected static final Duration DURABLE_TIMEOUT = Duration.ofSeconds(10);

  /** Retention of the tests that do not test retention. */
  protected static final Retention ROOMY = Retention.messages(10_000);

  /** The clock of the stores made by this test; moves only when a test moves it. */
  protected final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

  private final List<HistoryStore> opened = new ArrayList<>();
  private final AtomicLong sequence = new AtomicLong();

  /** Creates the contract tests. */
  protected HistoryStoreContract() {}

  /**
   * A new, empty store.
   *
   * @param retention what it keeps per stream
   * @param clock what it measures message ages with
   * @return the store
   */
  protected abstract HistoryStore newStore(Retention retention, Clock clock);

  /**
   * Whether the store keeps messages across a restart; if so, override {@link #reopen} too.
   *
   * @return {@code false} unless overridden
   */
  protected boolean persistent() {
    return false;
  }

  /**
   * Opens the same storage as the last store {@link #newStore} made, after that store was closed: a
   * restart. Only called when {@link #persistent()}.
   *
   * @param retention what it keeps per stream
   * @param clock what it measures message ages with
   * @return a store over the same storage
   */
  protected HistoryStore reopen(Retention retention, Clock clock) {
    throw new UnsupportedOperationException("override reopen() along with persistent()");
  }

  private HistoryStore open(Retention retention) {
    HistoryStore store = newStore(retention, clock);
    opened.add(store);
    return store;
  }

  private HistoryStore restart(HistoryStore store, Retention retention) {
    store.close();
    HistoryStore again = reopen(retention, clock);
    opened.add(again);
    return again;
  }

  @AfterEach
  void closeStores() {
    for (HistoryStore store : opened) {
      store.close();
    }
  }

  // ------------------------------------------------------------------ ordering and paging

  @Test
  void readsReturnAStreamsMessagesOldestFirst() {
    HistoryStore store = open(ROOMY);
    List<ChatMessage> sent = appendAll(store, "lobby", 5);

    assertEquals(sent, store.before("lobby", null, 100));
    assertEquals(sent, store.after("lobby", null, 100));
  }

  @Test
  void beforeWalksBackPageByPageAndSeesEveryMessageOnce() {
    HistoryStore store = open(ROOMY);
    List<ChatMessage> sent = appendAll(store, "lobby", 23);
    awaitDurable(store.append("lobby", sent.get(sent.size() - 1)));

    List<ChatMessage> walked = new ArrayList<>();
    String before = null;
    int pages = 0;
    for (;;) {
      List<ChatMessage> page = store.before("lobby", before, 5);
      if (page.isEmpty()) {
        break;
      }
      assertTrue(page.size() <= 5, "a page holds at most the limit");
      walked.addAll(0, page);
      before = page.get(0).id();
      pages++;
    }

    assertEquals(sent, walked);
    assertEquals(5, pages);
  }

  @Test
  void aLateAppendOfAnOlderIdIsSortedIn() {
    HistoryStore store = open(ROOMY);
    ChatMessage older = roomMessage("lobby", "made first, appended last");
    List<ChatMessage> sent = appendAll(store, "lobby", 3);
    append(store, "lobby", older);
    awaitDurable(store.append("lobby", older));

    List<ChatMessage> expected = new ArrayList<>(List.of(older));
    expected.addAll(sent);
    assertEquals(expected, store.after("lobby", null, 100));
    assertEquals(expected, store.before("lobby", null, 100));
  }

  // ------------------------------------------------------------------ edits and deletions

  @Test
  void aChangeReplacesTheMessageWhereItStands_andAfterPlacesItAtItsRevision() {
    HistoryStore store = open(ROOMY);
    List<ChatMessage> sent = appendAll(store, "lobby", 4);
    ChatMessage edited = changed(sent.get(1), "edited", false);
    ChatMessage tombstone = changed(sent.get(2), "", true);
    awaitDurable(store.change("lobby", edited));
    awaitDurable(store.change("lobby", tombstone));

    assertEquals(List.of(sent.get(0), edited, tombstone, sent.get(3)), store.before("lobby", null, 100));
    assertEquals(List.of(sent.get(0), sent.get(3), edited, tombstone), store.after("lobby", null, 100));
    assertEquals(List.of(sent.get(3), edited, tombstone), store.after("lobby", sent.get(2).id(), 100),
        "what a client that saw the third message missed: the fourth, then the two changes");
    assertEquals(List.of(tombstone), store.after("lobby", edited.revision(), 100), "a revision is a place to read after");
    assertEquals(List.of(sent.get(3), edited), store.after("lobby", sent.get(2).id(), 2), "a page ends at its limit");
  }

  @Test
  void pagingAfterAnIdByPlaceSeesEveryEntryOnce() {
    HistoryStore store = open(ROOMY);
    List<ChatMessage> sent = appendAll(store, "lobby", 12);
    List<ChatMessage> expected = new ArrayList<>();
    for (int i = 0; i < sent.size(); i++) {
      if (i % 3 != 1) {
        expected.add(sent.get(i));
      }
    }
    for (int i = 1; i < sent.size(); i += 3) {
      ChatMessage edited = changed(sent.get(i), "edited " + i, false);
      awaitDurable(store.change("lobby", edited));
      expected.add(edited);
    }
    awaitDurable(store.append("lobby", sent.get(0))); // everything committed, in any store

    assertEquals(expected, pagesAfter(store, "lobby", 5).stream().flatMap(List::stream).toList());
  }

  @Test
  void pagingAfterNothingByPlace_whenMostMessagesWereEdited_givesFullPagesOfEveryEntryOnce() {
    // The first pages by id hold only edited messages, all placed beyond them: a page cut there
    // would come back empty or short, and a client that pages until then would stop early.
    HistoryStore store = open(ROOMY);
    List<ChatMessage> sent = appendAll(store, "lobby", 30);
    List<ChatMessage> expected = new ArrayList<>(sent.subList(24, 30));
    for (int i = 0; i < 24; i++) {
      ChatMessage edited = changed(sent.get(i), "edited " + i, false);
      awaitDurable(store.change("lobby", edited));
      expected.add(edited);
    }

    List<List<ChatMessage>> pages = pagesAfter(store, "lobby", 10);
    assertEquals(List.of(10, 10, 10), pages.stream().map(List::size).toList(), "full pages until the end");
    assertEquals(expected, pages.stream().flatMap(List::stream).toList());
  }

  /** The pages of {@code after} from the oldest, each read after the place of the last entry before it. */
  private static List<List<ChatMessage>> pagesAfter(HistoryStore store, String stream, int limit) {
    List<List<ChatMessage>> pages = new ArrayList<>();
    String after = null;
    while (pages.size() < 50) {
      List<ChatMessage> page = store.after(stream, after, limit);
      if (page.isEmpty()) {
        break;
      }
      pages.add(page);
      ChatMessage last = page.get(page.size() - 1);
      after = last.revision() != null ? last.revision() : last.id();
    }
    return pages;
  }

  @Test
  void aChangeOfAMessageTheStreamDoesNotKeepIsDropped_andAnOlderRevisionNeverWins() {
    HistoryStore store = open(ROOMY);
    ChatMessage kept = append(store, "lobby", roomMessage("lobby", "kept"));
    ChatMessage never = roomMessage("lobby", "never appended");
    ChatMessage first = changed(kept, "first edit", false);
    ChatMessage second = changed(kept, "second edit", false);
    awaitDurable(store.change("lobby", changed(never, "edited", false)));
    awaitDurable(store.change("lobby", second));
    awaitDurable(store.change("lobby", first));

    assertEquals(List.of(second), store.before("lobby", null, 100));
    assertEquals(List.of(second), store.after("lobby", null, 100));
  }

  @Test
  void aChangeFromAnotherSenderIsDropped_soNoUserOverwritesWhatSomeoneElseSentToAnInbox() {
    HistoryStore store = open(ROOMY);
    String inbox = HistoryStore.inbox("carol");
    ChatMessage fromBob = append(store, inbox, roomMessage("lobby", "from bob").toBuilder().sender("bob").build());
    awaitDurable(store.change(inbox, changed(fromBob, "forged", false).toBuilder().sender("mallory").build()));
    awaitDurable(store.change(inbox, changed(fromBob, "", true).toBuilder().sender("mallory").build()));

    assertEquals(List.of(fromBob), store.after(inbox, null, 100), "bob's message, as he sent it");
  }

  @Test
  void aChangeIsSeenByReadsAtOnce_andOutlivesARestart() {
    HistoryStore store = open(ROOMY);
    List<ChatMessage> sent = appendAll(store, "lobby", 3);
    ChatMessage tombstone = changed(sent.get(0), "", true);
    CompletionStage<Void> durable = store.change("lobby", tombstone);

    assertEquals(List.of(tombstone, sent.get(1), sent.get(2)), store.before("lobby", null, 100));
    assertEquals(List.of(tombstone), store.after("lobby", sent.get(2).id(), 100));
    awaitDurable(durable);
    if (!persistent()) {
      return;
    }
    HistoryStore again = restart(store, ROOMY);
    assertEquals(List.of(tombstone, sent.get(1), sent.get(2)), again.before("lobby", null, 100));
    assertEquals(List.of(tombstone), again.after("lobby", sent.get(2).id(), 100));
  }

  /** A message's new version, with a fresh revision and the clock's time as its change's. */
  private ChatMessage changed(ChatMessage m, String text, boolean deleted) {
    return m.toBuilder()
        .text(text)
        .data(deleted ? null : Map.of("v", 2L))
        .deleted(deleted)
        .edited(Instant.ofEpochMilli(clock.millis()))
        .revision(String.format("%013d", sequence.incrementAndGet()))
        .build();
  }

  @Test
  void theStoreSaysWhetherItOutlivesTheProcess() {
    assertEquals(persistent(), open(ROOMY).persistent());
  }

  @Test
  void beforeAnIdReturnsTheNewestOlderMessages() {
    HistoryStore store = open(ROOMY);
    List<ChatMessage> sent = appendAll(store, "lobby", 10);

    assertEquals(sent.subList(4, 7), store.before("lobby", sent.get(7).id(), 3));
    assertEquals(sent.subList(0, 2), store.before("lobby", sent.get(2).id(), 3));
    assertEquals(List.of(), store.before("lobby", sent.get(0).id(), 3));
  }

  @Test
  void afterAnIdReturnsWhatCameNextForRecovery() {
    HistoryStore store = open(ROOMY);
    List<ChatMessage> sent = appendAll(store, "lobby", 10);

    assertEquals(sent.subList(4, 10), store.after("lobby", sent.get(3).id(), 100));
    assertEquals(sent.subList(4, 6), store.after("lobby", sent.get(3).id(), 2));
    assertEquals(List.of(), store.after("lobby", sent.get(9).id(), 100));
    assertEquals(sent.subList(0, 3), store.after("lobby", null, 3));
  }

  @Test
  void anIdNotInTheStreamStillBoundsTheRead() {
    HistoryStore store = open(ROOMY);
    List<ChatMessage> sent = appendAll(store, "lobby", 4);
    String between = sent.get(1).id() + "0"; // sorts after sent[1], before sent[2]

    assertEquals(sent.subList(2, 4), store.after("lobby", between, 10));
    assertEquals(sent.subList(0, 2), store.before("lobby", between, 10));
  }

  @Test
  void limitsAreKept() {
    HistoryStore store = open(ROOMY);
    List<ChatMessage> sent = appendAll(store, "lobby", 10);

    assertEquals(sent.subList(9, 10), store.before("lobby", null, 1));
    assertEquals(sent.subList(0, 1), store.after("lobby", null, 1));
    assertThrows(IllegalArgumentException.class, () -> store.before("lobby", null, 0));
    assertThrows(IllegalArgumentException.class, () -> store.after("lobby", null, 0));
  }

  @Test
  void aStreamNobodyWroteToIsEmpty() {
    HistoryStore store = open(ROOMY);

    assertEquals(List.of(), store.before("nowhere", null, 10));
    assertEquals(List.of(), store.after("nowhere", null, 10));
    awaitDurable(store.remove("nowhere", null));
  }

  // ------------------------------------------------------------------ streams

  @Test
  void streamsAreKeptApart() {
    HistoryStore store = open(ROOMY);
    String alice = HistoryStore.inbox("alice");
    String bob = HistoryStore.inbox("bob");
    List<ChatMessage> lobby = new ArrayList<>();
    List<ChatMessage> lobby2 = new ArrayList<>();
    List<ChatMessage> toAlice = new ArrayList<>();
    List<ChatMessage> toBob = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      lobby.add(append(store, "lobby", roomMessage("lobby", "l" + i)));
      lobby2.add(append(store, "lobby2", roomMessage("lobby2", "m" + i)));
      toAlice.add(append(store, alice, privateMessage("bob", "alice", "a" + i)));
      toBob.add(append(store, bob, privateMessage("alice", "bob", "b" + i)));
    }
    awaitDurable(store.remove(bob, null));
    awaitDurable(store.remove("lobby2", lobby2.get(2).id()));

    assertEquals(lobby, store.after("lobby", null, 100));
    assertEquals(lobby2.subList(3, 5), store.after("lobby2", null, 100));
    assertEquals(toAlice, store.before(alice, null, 100));
    assertEquals(List.of(), store.before(bob, null, 100));
    assertEquals(List.of(), store.before("alice", null, 100));
  }

  @Test
  void concurrentAppendsToDifferentStreamsAreAllKeptInOrder() throws Exception {
    HistoryStore store = open(ROOMY);
    int threads = 4;
    int perStream = 150;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<ChatMessage>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String stream = t % 2 == 0 ? "room" + t : HistoryStore.inbox("user" + t);
        results.add(pool.submit(() -> {
          List<ChatMessage> sent = new ArrayList<>();
          List<CompletableFuture<Void>> durable = new ArrayList<>();
          for (int i = 0; i < perStream; i++) {
            ChatMessage m = roomMessage(stream, stream + " " + i);
            durable.add(store.append(stream, m).toCompletableFuture());
            sent.add(m);
          }
          durable.forEach(HistoryStoreContract::awaitDurable);
          assertEquals(sent, store.after(stream, null, perStream * 2));
          return sent;
        }));
      }
      for (Future<List<ChatMessage>> r : results) {
        assertEquals(perStream, r.get(DURABLE_TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS).size());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ------------------------------------------------------------------ removal

  @Test
  void removeThroughAnIdDropsItAndEverythingOlder() {
    HistoryStore store = open(ROOMY);
    List<ChatMessage> sent = appendAll(store, "lobby", 6);

    CompletionStage<Void> removed = store.remove("lobby", sent.get(2).id());

    assertEquals(sent.subList(3, 6), store.after("lobby", null, 100), "seen before the removal is durable");
    awaitDurable(removed);
    assertEquals(sent.subList(3, 6), store.before("lobby", null, 100));
    assertEquals(sent.subList(3, 6), store.after("lobby", sent.get(0).id(), 100));
  }

  @Test
  void removeAllEmptiesTheStreamAndLaterAppendsAreKept() {
    HistoryStore store = open(ROOMY);
    appendAll(store, "lobby", 4);

    store.remove("lobby", null);
    assertEquals(List.of(), store.before("lobby", null, 100));
    ChatMessage after = append(store, "lobby", roomMessage("lobby", "fresh start"));

    assertEquals(List.of(after), store.before("lobby", null, 100));
    assertEquals(List.of(after), store.after("lobby", null, 100));
    awaitDurable(store.append("lobby", after));
    assertEquals(List.of(after), store.after("lobby", null, 100));
  }

  @Test
  void removeSetsNoFloor_aLateAppendOfAnOlderIdIsKept() {
    HistoryStore store = open(ROOMY);
    List<ChatMessage> sent = appendAll(store, "lobby", 4);
    awaitDurable(store.remove("lobby", sent.get(2).id()));

    ChatMessage late = copy(sent.get(1), "kept late");
    awaitDurable(store.append("lobby", late));

    assertEquals(List.of(late, sent.get(3)), store.after("lobby", null, 100));
  }

  // ------------------------------------------------------------------ clearing, with a floor

  @Test
  void clearRemovesThroughTheIdAndDropsLaterAppendsAtOrBelowIt() {
    HistoryStore store = open(ROOMY);
    List<ChatMessage> sent = appendAll(store, "lobby", 6);

    CompletionStage<Void> cleared = store.clear("lobby", sent.get(2).id());
    assertEquals(sent.subList(3, 6), store.after("lobby", null, 100), "seen before the clear is durable");
    // Ordered before the clear, written after it (another node's late append): each stage completes
    // normally, and the message is not kept.
    CompletionStage<Void> below = store.append("lobby", copy(sent.get(1), "late, below the floor"));
    CompletionStage<Void> at = store.append("lobby", copy(sent.get(2), "late, at the floor"));
    ChatMessage above = withId(roomMessage("lobby", "late, above the floor"), sent.get(2).id() + "5");
    CompletionStage<Void> kept = store.append("lobby", above);

    List<ChatMessage> expected = List.of(above, sent.get(3), sent.get(4), sent.get(5));
    assertEquals(expected, store.after("lobby", null, 100), "while queued");
    assertEquals(expected, store.before("lobby", null, 100), "while queued");
    awaitDurable(cleared);
    awaitDurable(below);
    awaitDurable(at);
    awaitDurable(kept);
    assertEquals(expected, store.after("lobby", null, 100));
    assertEquals(expected, store.before("lobby", null, 100));
    assertEquals(expected, store.after("lobby", sent.get(0).id(), 100), "from an id below the floor");
    assertEquals(List.of(above, sent.get(3)), store.before("lobby", sent.get(4).id(), 100));
    assertEquals(List.of(), store.before("lobby", sent.get(2).id(), 100), "nothing at or below the floor");
  }

  @Test
  void aFloorOnlyRises() {
    HistoryStore store = open(ROOMY);
    List<ChatMessage> sent = appendAll(store, "lobby", 6);

    store.clear("lobby", sent.get(3).id());
    awaitDurable(store.clear("lobby", sent.get(1).id()));
    awaitDurable(store.append("lobby", copy(sent.get(2), "late, below the first floor")));

    assertEquals(sent.subList(4, 6), store.after("lobby", null, 100));
  }

  @Test
  void aClearThroughNoIdRemovesNothingAndSetsNoFloor() {
    HistoryStore store = open(ROOMY);
    List<ChatMessage> sent = appendAll(store, "lobby", 3);

    awaitDurable(store.clear("lobby", null));
    ChatMessage older = withId(roomMessage("lobby", "older"), "0000000000000");
    awaitDurable(store.append("lobby", older));

    List<ChatMessage> all = new ArrayList<>(List.of(older));
    all.addAll(sent);
    assertEquals(all, store.after("lobby", null, 100));
  }

  @Test
  void aFloorIsTheStreamsOwn() {
    HistoryStore store = open(ROOMY);
    List<ChatMessage> lobby = appendAll(store, "lobby", 3);
    awaitDurable(store.clear("lobby", lobby.get(2).id()));

    ChatMessage other = copy(lobby.get(0), "in another room").toBuilder().room("other").build();
    awaitDurable(store.append("other", other));
    ChatMessage kept = withId(privateMessage("alice", "carol", "kept"), lobby.get(0).id());
    awaitDurable(store.append(HistoryStore.inbox("carol"), kept));

    assertEquals(List.of(other), store.after("other", null, 100));
    assertEquals(List.of(kept), store.after(HistoryStore.inbox("carol"), null, 100));
    assertEquals(List.of(), store.after("lobby", null, 100));
  }

  // ------------------------------------------------------------------ bans and mutes

  @Test
  void aBanIsKeptReplacedAndLifted_perRoomAndUser() {
    HistoryStore store = open(ROOMY);
    Restriction timed = ban("lobby", "bob", Instant.parse("2026-01-01T01:00:00.123456789Z"), "rude");
    Restriction permanent = ban("lobby", "bob", null, "again");

    assertEquals(List.of(), store.restrictions("lobby"), "no ban yet");
    kept(store.restrict(timed));
    assertEquals(List.of(timed), store.restrictions("lobby"), "every field, the end to the nanosecond");
    assertEquals(List.of(), store.restrictions("other"), "another room");
    kept(store.restrict(ban("lobby", "alice", null, "")));
    kept(store.restrict(permanent));
    assertEquals(Set.of(permanent, ban("lobby", "alice", null, "")), Set.copyOf(store.restrictions("lobby")),
        "a later ban of the same user replaces the earlier one; another user's is their own");
    kept(store.lift(Restriction.Kind.BAN, "lobby", "bob"));
    assertEquals(List.of(ban("lobby", "alice", null, "")), store.restrictions("lobby"), "lifted");
    kept(store.lift(Restriction.Kind.BAN, "lobby", "nobody"));
  }

  @Test
  void aMuteIsKeptApartFromABanOfTheSameUser() {
    HistoryStore store = open(ROOMY);
    Restriction mute = new Restriction(Restriction.Kind.MUTE, "lobby", "bob",
        Instant.parse("2026-01-01T00:10:00.000000001Z"), "shouting");
    Restriction banned = ban("lobby", "bob", null, "");

    kept(store.restrict(mute));
    assertEquals(List.of(mute), store.restrictions("lobby"), "every field, the end to the nanosecond");
    kept(store.restrict(banned));
    assertEquals(Set.of(mute, banned), Set.copyOf(store.restrictions("lobby")), "a ban does not replace a mute");
    Restriction longer = new Restriction(Restriction.Kind.MUTE, "lobby", "bob",
        Instant.parse("2026-01-02T00:00:00Z"), "");
    kept(store.restrict(longer));
    assertEquals(Set.of(longer, banned), Set.copyOf(store.restrictions("lobby")), "a later mute replaces the earlier");
    kept(store.lift(Restriction.Kind.MUTE, "lobby", "bob"));
    assertEquals(List.of(banned), store.restrictions("lobby"), "lifting the mute leaves the ban");
  }

  @Test
  void bansAndMutesSurviveARestart() {
    if (!persistent()) {
      return; // nothing to restart: the store lives as long as its process
    }
    HistoryStore store = open(ROOMY);
    Restriction permanent = ban("lobby", "bob", null, "");
    Restriction mute = new Restriction(Restriction.Kind.MUTE, "lobby", "carol", Instant.parse("2026-01-01T01:00:00Z"), "");
    kept(store.restrict(permanent));
    kept(store.restrict(mute));

    HistoryStore again = restart(store, ROOMY);

    assertEquals(Set.of(permanent, mute), Set.copyOf(again.restrictions("lobby")));
  }

  private static Restriction ban(String room, String user, Instant until, String reason) {
    return new Restriction(Restriction.Kind.BAN, room, user, until, reason);
  }

  // ------------------------------------------------------------------ read markers

  @Test
  void aReadMarkerOnlyMovesForward_perStreamAndUser() {
    HistoryStore store = open(ROOMY);

    assertEquals(Optional.empty(), store.readMarker("lobby", "bob"), "no marker yet");
    kept(store.markRead("lobby", "bob", "0000000000005"));
    assertEquals(Optional.of("0000000000005"), store.readMarker("lobby", "bob"));
    kept(store.markRead("lobby", "bob", "0000000000003"));
    assertEquals(Optional.of("0000000000005"), store.readMarker("lobby", "bob"), "an older id does not move it back");
    kept(store.markRead("lobby", "bob", "0000000000009"));
    assertEquals(Optional.of("0000000000009"), store.readMarker("lobby", "bob"), "a newer id moves it");
    assertEquals(Optional.empty(), store.readMarker("other", "bob"), "another room");
    assertEquals(Optional.empty(), store.readMarker("lobby", "alice"), "another user");
    kept(store.markRead(HistoryStore.inbox("alice"), "bob", "0000000000001"));
    assertEquals(Optional.of("0000000000001"), store.readMarker(HistoryStore.inbox("alice"), "bob"),
        "a private conversation's marker is kept apart from the rooms'");
  }

  @Test
  void aReadMarkerIsSeenAsSoonAsItReturned() {
    HistoryStore store = open(ROOMY);
    for (int i = 1; i <= 50; i++) {
      String id = String.format("%013d", i);
      store.markRead("lobby", "bob", id);
      assertEquals(Optional.of(id), store.readMarker("lobby", "bob"), "marker " + i);
    }
  }

  @Test
  void unreadCountsTheMessagesOfOthersAfterTheMarker_upToTheCap() {
    HistoryStore store = open(ROOMY);
    ChatMessage first = append(store, "lobby", message(MessageKind.ROOM, "lobby", "bob", null, "mine", Map.of()));
    append(store, "lobby", message(MessageKind.ROOM, "lobby", "alice", null, "one", Map.of()));
    append(store, "lobby", message(MessageKind.NOTICE, "lobby", null, null, "a notice", Map.of()));
    ChatMessage own = append(store, "lobby", message(MessageKind.ROOM, "lobby", "bob", null, "mine again", Map.of()));
    append(store, "lobby", message(MessageKind.ROOM, "lobby", "carol", null, "two", Map.of()));
    append(store, "other", message(MessageKind.ROOM, "other", "alice", null, "elsewhere", Map.of()));

    assertEquals(2, store.unread("lobby", "bob", null, 1000), "from the start: alice's and carol's, no notice");
    assertEquals(2, store.unread("lobby", "bob", first.id(), 1000));
    assertEquals(1, store.unread("lobby", "bob", own.id(), 1000));
    assertEquals(1, store.unread("lobby", "alice", own.id(), 1000), "for alice: carol's after it");
    assertEquals(1, store.unread("lobby", "bob", null, 1), "capped");
    assertEquals(0, store.unread("lobby", "bob", "9999999999999", 1000), "nothing after the newest");
    appendAll(store, "busy", 250);
    assertEquals(250, store.unread("busy", "bob", null, 1000), "beyond one page");
    assertEquals(100, store.unread("busy", "bob", null, 100));
  }

  @Test
  void unreadCountsNeitherDeletedMessagesNorChangesOfMessagesBeforeTheMarker() {
    HistoryStore store = open(ROOMY);
    List<ChatMessage> sent = appendAll(store, "lobby", 4);
    awaitDurable(store.change("lobby", changed(sent.get(0), "edited after bob read it", false)));
    awaitDurable(store.change("lobby", changed(sent.get(2), "", true)));

    assertEquals(1, store.unread("lobby", "bob", sent.get(1).id(), 1000),
        "the fourth: not the edit of the first (a change, not a message), not the deleted third");
    assertEquals(3, store.unread("lobby", "bob", null, 1000), "from the start: every message not deleted, once");
    List<ChatMessage> busy = appendAll(store, "busy", 150);
    for (int i = 0; i < 120; i++) {
      awaitDurable(store.change("busy", changed(busy.get(i), "edited", false)));
    }
    assertEquals(150, store.unread("busy", "bob", null, 1000), "over pages of changed messages, each once");
    assertEquals(20, store.unread("busy", "bob", busy.get(129).id(), 1000), "only the messages sent after the marker");
  }

  @Test
  void aReadMarkerSurvivesARestart() {
    if (!persistent()) {
      return; // nothing to restart: the store lives as long as its process
    }
    HistoryStore store = open(ROOMY);
    kept(store.markRead("lobby", "bob", "0000000000007"));

    HistoryStore again = restart(store, ROOMY);

    assertEquals(Optional.of("0000000000007"), again.readMarker("lobby", "bob"));
  }

  private static void kept(CompletionStage<Void> stage) {
    try {
      stage.toCompletableFuture().get(DURABLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("not kept in time", e);
    }
  }

  @Test
  void aFloorSurvivesARestart() {
    if (!persistent()) {
      return; // nothing to restart: the store lives as long as its process
    }
    HistoryStore store = open(ROOMY);
    List<ChatMessage> sent = appendAll(store, "lobby", 5);
    store.clear("lobby", sent.get(2).id());

    HistoryStore again = restart(store, ROOMY);
    awaitDurable(again.append("lobby", copy(sent.get(1), "late, after the restart")));

    assertEquals(sent.subList(3, 5), again.after("lobby", null, 100));
    assertEquals(sent.subList(3, 5), again.before("lobby", null, 100));
  }

  // ------------------------------------------------------------------ durability

  @Test
  void readsSeeAnAppendAsSoonAsItReturned() {
    HistoryStore store = open(ROOMY);
    for (int i = 0; i < 50; i++) {
      ChatMessage m = roomMessage("lobby", "m" + i);
      store.append("lobby", m);
      List<ChatMessage> newest = store.before("lobby", null, 1);
      assertEquals(List.of(m), newest, "the message just appended is the newest");
      assertEquals(m, store.after("lobby", null, 100).get(i));
    }
  }

  @Test
  void theAppendStageCompletesOnceDurable() {
    HistoryStore store = open(ROOMY);
    ChatMessage m = roomMessage("lobby", "keep me");

    awaitDurable(store.append("lobby", m));

    assertEquals(List.of(m), store.after("lobby", null, 10));
  }

  @Test
  void anIdAppendedTwiceIsKeptOnce() {
    HistoryStore store = open(ROOMY);
    ChatMessage first = roomMessage("lobby", "one");
    ChatMessage second = roomMessage("lobby", "two");

    store.append("lobby", first);
    store.append("lobby", first);
    assertEquals(List.of(first), store.after("lobby", null, 10), "while queued");
    awaitDurable(store.append("lobby", second));
    awaitDurable(store.append("lobby", second));

    assertEquals(List.of(first, second), store.after("lobby", null, 10));
    assertEquals(List.of(first, second), store.before("lobby", null, 10));
  }

  @Test
  void appendingAfterCloseFails() {
    HistoryStore store = open(ROOMY);
    store.close();

    CompletableFuture<Void> stage = store.append("lobby", roomMessage("lobby", "too late")).toCompletableFuture();

    assertTrue(stage.isCompletedExceptionally(), "the stage has already failed: " + stage);
  }

  @Test
  void closeMakesQueuedAppendsDurable() {
    HistoryStore store = open(ROOMY);
    List<CompletableFuture<Void>> stages = new ArrayList<>();
    List<ChatMessage> sent = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      ChatMessage m = roomMessage("lobby", "m" + i);
      sent.add(m);
      stages.add(store.append("lobby", m).toCompletableFuture());
    }

    store.close();

    for (CompletableFuture<Void> stage : stages) {
      assertTrue(stage.isDone() && !stage.isCompletedExceptionally(), "durable once close returned: " + stage);
    }
    if (persistent()) {
      HistoryStore again = reopen(ROOMY, clock);
      opened.add(again);
      assertEquals(sent, again.after("lobby", null, 1000));
    }
  }

  @Test
  void messagesAndRemovalsSurviveARestart() {
    if (!persistent()) {
      return; // nothing to restart: the store lives as long as its process
    }
    HistoryStore store = open(ROOMY);
    List<ChatMessage> lobby = appendAll(store, "lobby", 8);
    List<ChatMessage> inbox = appendAll(store, HistoryStore.inbox("carol"), 3);
    store.remove("lobby", lobby.get(1).id());
    store.remove(HistoryStore.inbox("carol"), null);

    HistoryStore again = restart(store, ROOMY);

    assertEquals(lobby.subList(2, 8), again.after("lobby", null, 100));
    assertEquals(List.of(), again.after(HistoryStore.inbox("carol"), null, 100));
    assertEquals(3, inbox.size());
    ChatMessage next = append(again, "lobby", roomMessage("lobby", "after the restart"));
    assertEquals(next, again.before("lobby", null, 1).get(0));
  }

  // ------------------------------------------------------------------ retention

  @Test
  void retentionKeepsTheNewestMessagesOfEachStream() {
    HistoryStore store = open(Retention.messages(5));
    List<ChatMessage> lobby = appendAll(store, "lobby", 12);
    List<ChatMessage> other = appendAll(store, "other", 3);

    assertEquals(lobby.subList(7, 12), store.before("lobby", null, 100), "while queued");
    assertEquals(lobby.subList(7, 12), store.after("lobby", null, 100));
    awaitDurable(store.append("lobby", lobby.get(11)));
    assertEquals(lobby.subList(7, 12), store.before("lobby", null, 100), "once durable");
    assertEquals(lobby.subList(7, 12), store.after("lobby", null, 100));
    assertEquals(lobby.subList(7, 9), store.after("lobby", lobby.get(2).id(), 2));
    assertEquals(List.of(), store.before("lobby", lobby.get(7).id(), 100));
    assertEquals(other, store.after("other", null, 100));
  }

  @Test
  void retentionDropsMessagesOlderThanTheMaxAge() {
    HistoryStore store = open(Retention.messages(100).maxAge(Duration.ofHours(1)));
    ChatMessage old = append(store, "lobby", roomMessage("lobby", "old"));
    clock.advance(Duration.ofMinutes(40));
    ChatMessage recent = append(store, "lobby", roomMessage("lobby", "recent"));
    awaitDurable(store.append("lobby", recent));
    assertEquals(List.of(old, recent), store.after("lobby", null, 10));

    clock.advance(Duration.ofMinutes(30));

    assertEquals(List.of(recent), store.after("lobby", null, 10));
    assertEquals(List.of(recent), store.before("lobby", null, 10));
    clock.advance(Duration.ofMinutes(31));
    assertEquals(List.of(), store.before("lobby", null, 10));
  }

  @Test
  void theStoreReportsItsRetention() {
    Retention retention = Retention.messages(42).maxAge(Duration.ofDays(3));
    assertEquals(retention, open(retention).retention());
  }

  // ------------------------------------------------------------------ content

  @Test
  void everyFieldComesBackExactly() {
    HistoryStore store = open(ROOMY);
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("count", 42L);
    nested.put("big", Long.MAX_VALUE);
    nested.put("negative", -7L);
    nested.put("ratio", 0.25);
    nested.put("whole double", 3.0);
    nested.put("tiny", 1.0e-12);
    nested.put("yes", Boolean.TRUE);
    nested.put("no", Boolean.FALSE);
    nested.put("nothing", null);
    nested.put("list", Arrays.asList(1L, "two", 3.5, null, List.of(), Map.of("deep", List.of(true))));
    nested.put("empty", Map.of());
    nested.put("quote \"and\" \\ / \n tab\t", "ünïcödé ✓ 𝄞 日本語 عربى");
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("nested", nested);
    data.put("reaction", "👍🏽");

    String text = "héllo 👋 世界 — \"quoted\" \\ back\\slash\n\tnew line, nul-free, RTL: שלום";
    String stream = "lobby";
    List<ChatMessage> sent = List.of(
        message(MessageKind.ROOM, stream, "alice", null, text, data),
        message(MessageKind.NOTICE, stream, null, null, "alice has joined", Map.of()),
        message(MessageKind.PRIVATE, null, "bob", "alice", "", Map.of("k", "v")),
        message(MessageKind.PRIVATE, stream, "bob", "alice", "x".repeat(4000), Map.of()));
    for (ChatMessage m : sent) {
      store.append(stream, m);
    }
    assertSameMessages(sent, store.after(stream, null, 10));
    awaitDurable(store.append(stream, sent.get(0)));
    assertSameMessages(sent, store.after(stream, null, 10));
    assertSameMessages(sent, store.before(stream, null, 10));
    if (persistent()) {
      assertSameMessages(sent, restart(store, ROOMY).after(stream, null, 10));
    }
  }

  /** Equal messages, and data values of the same types (a Long is not an Integer). */
  private static void assertSameMessages(List<ChatMessage> expected, List<ChatMessage> actual) {
    assertEquals(expected, actual);
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(typed(expected.get(i).data()), typed(actual.get(i).data()), "data value types");
    }
  }

  private static String typed(Object value) {
    if (value instanceof Map<?, ?> m) {
      StringBuilder s = new StringBuilder("{");
      m.forEach((k, v) -> s.append(k).append('=').append(typed(v)).append(','));
      return s.append('}').toString();
    }
    if (value instanceof List<?> l) {
      StringBuilder s = new StringBuilder("[");
      l.forEach(v -> s.append(typed(v)).append(','));
      return s.append(']').toString();
    }
    return value == null ? "null" : value.getClass().getSimpleName() + ":" + value;
  }

  // ------------------------------------------------------------------ helpers

  /**
   * A room message with a fresh id, sent now by the clock of the test.
   *
   * @param room the room
   * @param text its text
   * @return the message
   */
  protected ChatMessage roomMessage(String room, String text) {
    return message(MessageKind.ROOM, room, "alice", null, text, Map.of());
  }

  private ChatMessage privateMessage(String from, String to, String text) {
    return message(MessageKind.PRIVATE, null, from, to, text, Map.of());
  }

  private ChatMessage message(
      MessageKind kind, String room, String sender, String recipient, String text, Map<String, Object> data) {
    // 13 characters that sort in sending order, like the server's ids.
    String id = String.format("%013d", sequence.incrementAndGet());
    return ChatMessage.builder(id, Instant.ofEpochMilli(clock.millis()), kind, text)
        .room(room)
        .sender(sender)
        .recipient(recipient)
        .data(data)
        .build();
  }

  /** Another message with the same id, as a late or repeated append of it would carry. */
  private static ChatMessage copy(ChatMessage m, String text) {
    return m.toBuilder().text(text).build();
  }

  private static ChatMessage withId(ChatMessage m, String id) {
    return m.toBuilder().id(id).build();
  }

  private ChatMessage append(HistoryStore store, String stream, ChatMessage m) {
    store.append(stream, m);
    return m;
  }

  private List<ChatMessage> appendAll(HistoryStore store, String stream, int count) {
    List<ChatMessage> sent = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sent.add(append(store, stream, roomMessage(stream, stream + " #" + i)));
    }
    return sent;
  }

  /**
   * Waits for a stage of the store to complete, and fails the test if it failed or took longer than
   * {@link #DURABLE_TIMEOUT}.
   *
   * @param stage the stage of an append or removal
   */
  protected static void awaitDurable(CompletionStage<Void> stage) {
    try {
      stage.toCompletableFuture().get(DURABLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      fail("the store failed to make it durable", e.getCause());
    } catch (TimeoutException e) {
      fail("not durable within " + DURABLE_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    }
  }
}
