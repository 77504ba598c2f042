package dev.parley.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.AckTiming;
import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.MessageKind;
import dev.parley.chat.history.Restriction;
import dev.parley.chat.history.Retention;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.testkit.ChatTestKit;
import dev.parley.chat.testkit.TestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The store under a real ChatServer (the test kit's in-memory transport): when acknowledgements go
 * out, what happens when the database stalls, and what a restarted server remembers. Each test runs
 * on SQLite and on PostgreSQL.
 */
class StoreUnderServerTest {
  // Message times come from the kit's manual clock, months before the real one: no age limit here.
  private static final Retention RETENTION = Retention.messages(1000);

  @TempDir
  Path dir;

  private TestDatabase db;
  private JdbcHistoryStore history; // of the last server()

  @AfterEach
  void dropTables() throws Exception {
    if (db != null) {
      db.close();
    }
  }

  /** A server on this test's database; {@code timing} {@code null} leaves the ack timing at its default. */
  private ChatTestKit server(AckTiming timing, UnaryOperator<JdbcHistoryStore.Builder> store) {
    ChatConfig.Builder builder = ChatConfig.builder().announcePresence(false);
    if (timing != null) {
      builder.ackTiming(timing);
    }
    ChatConfig config = builder.build();
    JdbcHistoryStore built = store.apply(db.builder().retention(RETENTION)).build();
    history = built;
    return ChatTestKit.create(b -> b.config(config).historyStore(built));
  }

  private static void send(TestClient client, String requestId, String text) {
    client.request(new ClientRequest.Send(requestId, "lobby", text, null));
  }

  /** With ON_COMMIT, set or by default. */
  @ParameterizedTest(name = "{0}, ackTiming {1}")
  @CsvSource({"sqlite, ON_COMMIT", "postgresql, ON_COMMIT", "sqlite, ", "postgresql, "})
  void onCommitAcknowledgesOnlyOnceTheMessageIsCommitted(String database, AckTiming timing) throws Exception {
    db = TestDatabase.named(database, dir);
    try (ChatTestKit kit = server(timing, b -> b)) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = kit.joined("lobby", "bob");
      alice.take(ServerEvent.Presence.class);

      ChatMessage delivered;
      try (TestDatabase.WriteLock stalled = db.lockWrites()) {
        send(alice, "r1", "committed before acknowledged");
        delivered = bob.takeMessage(); // live delivery never waits for the database

        // While writes are blocked nothing can commit, so there can be no acknowledgement yet.
        assertThat(db.committed(delivered.id())).isFalse();
        alice.assertNoMoreEvents();
        assertThat(kit.server().history("lobby")).contains(delivered);
      }

      ServerEvent.Ack ack = alice.take(ServerEvent.Ack.class);
      assertThat(ack.requestId()).isEqualTo("r1");
      assertThat(ack.message()).isEqualTo(delivered);
      assertThat(db.committed(delivered.id())).as("committed when acknowledged").isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void onReceiptAcknowledgesBeforeTheCommit(String database) throws Exception {
    db = TestDatabase.named(database, dir);
    try (ChatTestKit kit = server(AckTiming.ON_RECEIPT, b -> b)) {
      TestClient alice = kit.joined("lobby", "alice");
      try (TestDatabase.WriteLock stalled = db.lockWrites()) {
        send(alice, "r1", "acknowledged at once");

        ServerEvent.Ack ack = alice.take(ServerEvent.Ack.class);

        assertThat(db.committed(ack.message().id())).isFalse();
      }
    }
  }

  /**
   * The store is written once the room's order holds a message, which has delivered it by then: a
   * full queue leaves the message delivered but not kept, and its sender is told at once.
   */
  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aFullQueueLeavesMessagesNotKept_andTellsTheirSendersAtOnce(String database) throws Exception {
    db = TestDatabase.named(database, dir);
    try (ChatTestKit kit = server(AckTiming.ON_RECEIPT, b -> b.queueCapacity(2))) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = kit.joined("lobby", "bob");
      alice.take(ServerEvent.Presence.class);

      try (TestDatabase.WriteLock stalled = db.lockWrites()) {
        send(alice, "r1", "one");
        send(alice, "r2", "two");
        assertThat(alice.take(ServerEvent.Ack.class).requestId()).isEqualTo("r1");
        assertThat(alice.take(ServerEvent.Ack.class).requestId()).isEqualTo("r2");
        assertThat(bob.takeMessage().text()).isEqualTo("one");
        assertThat(bob.takeMessage().text()).isEqualTo("two");

        long start = System.nanoTime();
        send(alice, "r3", "three");
        ServerEvent.Error refused = alice.takeError();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("refused at once, not after a timeout")
            .isLessThan(Duration.ofSeconds(2));
        assertThat(refused.requestId()).isEqualTo("r3");
        assertThat(refused.code()).isEqualTo(ErrorCodes.HISTORY_UNAVAILABLE);
        assertThat(bob.takeMessage().text()).isEqualTo("three");
        alice.assertNoMoreEvents();
      }

      // Once the database moves again, so does the chat. A removal is queued behind the appends, so
      // once it is done the queue has room again.
      history.remove("elsewhere", null).toCompletableFuture().get(20, TimeUnit.SECONDS);
      send(alice, "r4", "four");
      assertThat(alice.take(ServerEvent.Ack.class).requestId()).isEqualTo("r4");
      assertThat(bob.takeMessage().text()).isEqualTo("four");
      assertThat(history.after("lobby", null, 10)).extracting(ChatMessage::text).containsExactly("one", "two", "four");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void readsSeeAppendsTheStalledDatabaseHasNotCommitted(String database) throws Exception {
    db = TestDatabase.named(database, dir);
    try (JdbcHistoryStore store = db.builder().retention(RETENTION).build()) {
      ChatMessage first = message("0000000000001", "first");
      ChatMessage second = message("0000000000002", "second");
      CompletableFuture<Void> durable;
      CompletableFuture<Void> removed;
      try (TestDatabase.WriteLock stalled = db.lockWrites()) {
        store.append("lobby", first);
        durable = store.append("lobby", second).toCompletableFuture();
        removed = store.remove("lobby", first.id()).toCompletableFuture();

        assertThat(store.after("lobby", null, 10)).containsExactly(second);
        assertThat(durable).isNotDone();
      }
      durable.get(20, TimeUnit.SECONDS);
      // The writer may have taken the first append into a transaction of its own before the removal
      // was queued, and commit the removal in a later one: the removal is durable once its stage is.
      removed.get(20, TimeUnit.SECONDS);
      assertThat(store.after("lobby", null, 10)).containsExactly(second);
      assertThat(db.committed(second.id())).isTrue();
      assertThat(db.committed(first.id())).isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void theWriterDeletesWhatRetentionNoLongerKeeps(String database) throws Exception {
    db = TestDatabase.named(database, dir);
    try (JdbcHistoryStore store = db.builder().retention(Retention.messages(3))
        .trimInterval(Duration.ofMillis(20)).build()) {
      CompletableFuture<Void> last = null;
      for (int i = 1; i <= 10; i++) {
        last = store.append("lobby", message(String.format("%013d", i), "m" + i)).toCompletableFuture();
      }
      last.get(20, TimeUnit.SECONDS);

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (db.rows() > 3 && System.nanoTime() < deadline) {
        Thread.sleep(20); // polling the table until a deadline: the trim runs on the writer's own schedule
      }

      assertThat(db.rows()).isEqualTo(3);
      assertThat(store.after("lobby", null, 10)).extracting(ChatMessage::text).containsExactly("m8", "m9", "m10");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aRestartedServerSendsTheHistoryToAJoiner(String database) throws Exception {
    db = TestDatabase.named(database, dir);
    try (ChatTestKit kit = server(AckTiming.ON_COMMIT, b -> b)) {
      TestClient alice = kit.joined("lobby", "alice");
      for (int i = 1; i <= 3; i++) {
        send(alice, "r" + i, "before the restart " + i);
        alice.take(ServerEvent.Ack.class);
      }
    }

    try (ChatTestKit kit = server(AckTiming.ON_COMMIT, b -> b)) {
      TestClient bob = kit.connect().join("lobby", "bob");

      assertThat(bob.take(ServerEvent.Joined.class).history()).extracting(ChatMessage::text)
          .containsExactly("before the restart 1", "before the restart 2", "before the restart 3");
    }
  }

  /**
   * Presence notices are announced (the default) but not kept (the default): everyone leaving, as at
   * a shutdown, leaves no "has left" in the database, and the next run's joiner gets the conversation.
   * With keepPresenceNotices they are kept, and come back after the restart.
   */
  @ParameterizedTest(name = "{0}, keepPresenceNotices {1}")
  @CsvSource({"sqlite, false", "postgresql, false", "sqlite, true", "postgresql, true"})
  void presenceNoticesAreKeptOnlyWhenConfigured(String database, boolean keep) throws Exception {
    db = TestDatabase.named(database, dir);
    ChatConfig config = ChatConfig.builder().keepPresenceNotices(keep).build();
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(config).historyStore(db.builder().retention(RETENTION).build()))) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = kit.joined("lobby", "bob");
      send(alice, "r1", "before the restart");
      alice.takeUntil(ServerEvent.Ack.class); // after bob's presence and its notice
      bob.disconnect();
      assertThat(alice.takeUntil(ServerEvent.Message.class).message().text()).isEqualTo("bob has left");
      alice.disconnect();
      alice.awaitClose();
    }

    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(config).historyStore(db.builder().retention(RETENTION).build()))) {
      TestClient carol = kit.connect().join("lobby", "carol");

      assertThat(carol.take(ServerEvent.Joined.class).history()).extracting(ChatMessage::text).containsExactlyElementsOf(
          keep ? List.of("alice has joined", "bob has joined", "before the restart", "bob has left", "alice has left")
              : List.of("before the restart"));
    }
  }

  /**
   * Bans and mutes go through the write queue with the messages: acknowledged under the same rules
   * (committed by the writer, in queue order, with its retries), not written aside.
   */
  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aBanIsAcknowledgedOnlyOnceWhatWasQueuedBeforeItIsCommitted(String database) throws Exception {
    db = TestDatabase.named(database, dir);
    try (JdbcHistoryStore store = db.builder().retention(Retention.messages(100)).build()) {
      CompletableFuture<Boolean> appendCommittedAtBan;
      CompletableFuture<Void> lifted;
      try (TestDatabase.WriteLock stalled = db.lockWrites()) {
        ChatMessage message = ChatMessage.builder("001", Instant.now(), MessageKind.ROOM, "hello").room("lobby")
            .sender("alice").build();
        store.append("lobby", message);
        Restriction ban = new Restriction(Restriction.Kind.BAN, "lobby", "bob", null, "");
        appendCommittedAtBan = store.restrict(ban).toCompletableFuture().thenApply(done -> {
          try {
            return db.committed("001");
          } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
          }
        });
        store.restrict(new Restriction(Restriction.Kind.MUTE, "lobby", "carol", Instant.now().plusSeconds(60), ""));
        lifted = store.lift(Restriction.Kind.MUTE, "lobby", "carol").toCompletableFuture();
      }
      assertThat(appendCommittedAtBan.get(10, TimeUnit.SECONDS)).as("the append queued before the ban").isTrue();
      lifted.get(10, TimeUnit.SECONDS);
      assertThat(store.restrictions("lobby")).as("the mute's lift came after it, in queue order")
          .isEqualTo(List.of(new Restriction(Restriction.Kind.BAN, "lobby", "bob", null, "")));
    }
  }

  /**
   * A ban and a mute are in the database: the next run of the server, or another node on it,
   * refuses the join and the message.
   */
  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aBanAndAMuteOutliveARestart_untilLifted(String database) throws Exception {
    db = TestDatabase.named(database, dir);
    try (ChatTestKit kit = server(null, b -> b)) {
      TestClient bob = kit.joined("lobby", "bob");
      kit.joined("lobby", "carol");
      kit.server().mute("lobby", "carol", java.time.Duration.ofDays(1), "").toCompletableFuture().join();
      kit.server().ban("lobby", "bob", null, "for good").toCompletableFuture().join();
      assertThat(bob.takeUntil(ServerEvent.Kicked.class).banned()).isTrue();
    }

    try (ChatTestKit kit = server(null, b -> b)) {
      TestClient carol = kit.joined("lobby", "carol");
      carol.send("lobby", "still muted?");
      assertThat(carol.takeError().code()).isEqualTo(ErrorCodes.MUTED);
      TestClient bob = kit.connect().join("lobby", "bob");
      assertThat(bob.takeError().code()).isEqualTo(ErrorCodes.BANNED);
      kit.server().unban("lobby", "bob").toCompletableFuture().join();
      bob.join("lobby", "bob");
      assertThat(bob.take(ServerEvent.Joined.class).room()).isEqualTo("lobby");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void anOfflineUsersInboxSurvivesARestartAndIsDeliveredOnce(String database) throws Exception {
    db = TestDatabase.named(database, dir);
    ChatConfig config = ChatConfig.builder().ackTiming(AckTiming.ON_COMMIT).announcePresence(false)
        .offlineMessages(true).build();
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(config).historyStore(db.builder().retention(RETENTION).build()))) {
      TestClient alice = kit.joined("lobby", "alice");
      alice.request(new ClientRequest.SendPrivate("p1", "bob", "while you were away", null));
      assertThat(alice.take(ServerEvent.Ack.class).requestId()).isEqualTo("p1");
    }

    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(config).historyStore(db.builder().retention(RETENTION).build()))) {
      TestClient bob = kit.connect().join("lobby", "bob");

      ChatMessage kept = bob.takeUntil(ServerEvent.Message.class).message();
      assertThat(kept.text()).isEqualTo("while you were away");
      assertThat(kept.sender()).isEqualTo("alice");
    } // closing commits the inbox's removal

    try (JdbcHistoryStore store = db.builder().retention(RETENTION).build()) {
      assertThat(store.after("@bob", null, 10)).as("delivered, so no longer kept").isEmpty();
    }
  }

  private static ChatMessage message(String id, String text) {
    return ChatMessage.builder(id, Instant.now(), MessageKind.ROOM, text).room("lobby").sender("alice").build();
  }
}
