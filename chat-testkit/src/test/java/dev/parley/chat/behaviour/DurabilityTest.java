package dev.parley.chat.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.AckTiming;
import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatException;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.ErrorCodes;

import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.history.InMemoryHistoryStore;
import dev.parley.chat.history.Retention;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.testkit.ChatTestKit;
import dev.parley.chat.testkit.ManualClock;
import dev.parley.chat.testkit.TestClient;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** When a message is acknowledged, and what happens when the history store cannot keep up. */
class DurabilityTest {

  /** An in-memory store whose appends become durable only when the test says so, or are refused. */
  static final class ControlledStore implements HistoryStore {
    final InMemoryHistoryStore memory = new InMemoryHistoryStore(Retention.messages(1000));
    final LinkedBlockingQueue<CompletableFuture<Void>> pending = new LinkedBlockingQueue<>();
    volatile boolean refuse;
    volatile boolean closed;
    volatile boolean persistent;

    @Override
    public boolean persistent() {
      return persistent;
    }

    @Override
    public Retention retention() {
      return memory.retention();
    }

    @Override
    public CompletionStage<Void> append(String stream, ChatMessage message) {
      if (refuse) {
        return CompletableFuture.failedFuture(new IllegalStateException("queue full"));
      }
      memory.append(stream, message);
      CompletableFuture<Void> durable = new CompletableFuture<>();
      pending.add(durable);
      return durable;
    }

    @Override
    public List<ChatMessage> before(String stream, String beforeId, int limit) {
      return memory.before(stream, beforeId, limit);
    }

    @Override
    public List<ChatMessage> after(String stream, String afterId, int limit) {
      return memory.after(stream, afterId, limit);
    }

    @Override
    public CompletionStage<Void> remove(String stream, String throughId) {
      return memory.remove(stream, throughId);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** A server on this store; {@code timing} {@code null} leaves the ack timing at its default. */
  private static ChatTestKit kit(ControlledStore store, AckTiming timing) {
    ChatConfig.Builder config = ChatConfig.builder().announcePresence(false);
    if (timing != null) {
      config.ackTiming(timing);
    }
    return ChatTestKit.create(b -> b.historyStore(store).config(config.build()));
  }

  /** Set, or by default, with a persistent store or not. */
  @ParameterizedTest(name = "ackTiming {0}, persistent {1}")
  @CsvSource({",true", ",false", "ON_COMMIT,true"})
  void onCommit_theSenderIsAcknowledgedOnlyOnceTheMessageIsDurable_othersGetItAtOnce(
      AckTiming timing, boolean persistent) {
    ControlledStore store = new ControlledStore();
    store.persistent = persistent;
    try (ChatTestKit kit = kit(store, timing)) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = kit.joined("lobby", "bob");
      alice.take(ServerEvent.Presence.class);

      alice.request(new ClientRequest.Send("s1", "lobby", "kept", null));

      assertThat(bob.takeMessage().text()).isEqualTo("kept");
      alice.assertNoMoreEvents();
      store.pending.remove().complete(null);
      assertThat(alice.take(ServerEvent.Ack.class).requestId()).isEqualTo("s1");
    }
  }

  @Test
  void theDefaultAckTimingIsOnCommit_andKeptByToBuilder() {
    assertThat(ChatConfig.defaults().ackTiming()).isEqualTo(AckTiming.ON_COMMIT);
    ChatConfig onReceipt = ChatConfig.builder().ackTiming(AckTiming.ON_RECEIPT).build();
    assertThat(onReceipt.toBuilder().build().ackTiming()).isEqualTo(AckTiming.ON_RECEIPT);
  }

  @Test
  void onCommit_aFailedCommitIsReportedInsteadOfTheAck() {
    ControlledStore store = new ControlledStore();
    try (ChatTestKit kit = kit(store, AckTiming.ON_COMMIT)) {
      TestClient alice = kit.joined("lobby", "alice");

      alice.request(new ClientRequest.Send("s1", "lobby", "lost", null));
      store.pending.remove().completeExceptionally(new IllegalStateException("disk full"));

      ServerEvent.Error error = alice.takeError();
      assertThat(error.requestId()).isEqualTo("s1");
      assertThat(error.code()).isEqualTo(ErrorCodes.HISTORY_UNAVAILABLE);
    }
  }

  @Test
  void onReceipt_theAckDoesNotWaitForTheStore() {
    ControlledStore store = new ControlledStore();
    store.persistent = true;
    try (ChatTestKit kit = kit(store, AckTiming.ON_RECEIPT)) {
      TestClient alice = kit.joined("lobby", "alice");

      alice.request(new ClientRequest.Send("s1", "lobby", "quick", null));

      assertThat(alice.take(ServerEvent.Ack.class).requestId()).isEqualTo("s1");
      assertThat(store.pending).hasSize(1);
    }
  }

  @Test
  void onCommit_serverActionsCompleteOnceDurable() {
    ControlledStore store = new ControlledStore();
    try (ChatTestKit kit = kit(store, AckTiming.ON_COMMIT)) {
      kit.joined("lobby", "alice");

      CompletableFuture<?> delivery = kit.server().broadcast("lobby", "maintenance at noon").toCompletableFuture();

      assertThat(delivery).isNotDone();
      store.pending.remove().complete(null);
      assertThat(delivery).isCompleted();
    }
  }

  /**
   * The store is written once the room's order holds the message, and the order has already
   * delivered it: a store that cannot queue it leaves it delivered but not kept, and says so.
   */
  @Test
  void aStoreThatCannotQueue_leavesTheMessageDeliveredButNotKept_andItsSenderIsTold() {
    ControlledStore store = new ControlledStore();
    try (ChatTestKit kit = kit(store, AckTiming.ON_RECEIPT)) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = kit.joined("lobby", "bob");
      alice.take(ServerEvent.Presence.class);
      store.refuse = true;

      alice.request(new ClientRequest.Send("s1", "lobby", "too much", null));

      ServerEvent.Error error = alice.takeError();
      assertThat(error.requestId()).isEqualTo("s1");
      assertThat(error.code()).isEqualTo(ErrorCodes.HISTORY_UNAVAILABLE);
      alice.assertNoMoreEvents(); // no ack
      assertThat(bob.takeMessage().text()).isEqualTo("too much");
      assertThat(store.after("lobby", null, 10)).isEmpty();
      assertThat(kit.server().distributeMsg("lobby", "bot", "x").toCompletableFuture())
          .failsWithin(java.time.Duration.ZERO)
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .withCauseInstanceOf(ChatException.class);
    }
  }

  @Test
  void closingTheServerClosesTheStore() {
    ControlledStore store = new ControlledStore();
    kit(store, AckTiming.ON_RECEIPT).close();

    assertThat(store.closed).isTrue();
  }

  @Test
  void aNewServerOnTheSameStoreSendsTheKeptHistoryToJoiners() {
    ControlledStore store = new ControlledStore();
    try (ChatTestKit first = kit(store, AckTiming.ON_RECEIPT)) {
      first.joined("lobby", "alice").send("lobby", "before the restart");
    }
    try (ChatTestKit second = kit(store, AckTiming.ON_RECEIPT)) {
      TestClient bob = second.connect().join("lobby", "bob");

      assertThat(bob.take(ServerEvent.Joined.class).history()).extracting(ChatMessage::text)
          .containsExactly("before the restart");
    }
  }

  @Test
  void aRestartedServerWhoseClockIsBehindStillOrdersNewMessagesAfterKeptOnes() {
    ControlledStore store = new ControlledStore();
    try (ChatTestKit first = kit(store, AckTiming.ON_RECEIPT)) {
      first.clock().advance(java.time.Duration.ofHours(1));
      first.joined("lobby", "alice").send("lobby", "from the future");
    }
    try (ChatTestKit second = kit(store, AckTiming.ON_RECEIPT)) {
      TestClient bob = second.joined("lobby", "bob");
      bob.send("lobby", "after the restart");

      assertThat(store.after("lobby", null, 10)).extracting(ChatMessage::text)
          .containsExactly("from the future", "after the restart");
    }
  }

  @Test
  void aClientOfAnEarlierRunRecoversOnlyFromAPersistentStore() {
    for (boolean persistent : new boolean[] {false, true}) {
      ControlledStore store = new ControlledStore();
      store.persistent = persistent;
      String lastSeen;
      try (ChatTestKit first = kit(store, AckTiming.ON_RECEIPT)) {
        TestClient alice = first.joined("lobby", "alice");
        TestClient bob = first.joined("lobby", "bob");
        alice.take(ServerEvent.Presence.class);
        alice.send("lobby", "seen");
        lastSeen = bob.takeMessage().id();
        bob.disconnect();
        alice.send("lobby", "missed");
      }
      // The restarted server starts a few seconds later than the first run's messages.
      ManualClock later = new ManualClock(Instant.parse("2026-01-01T00:00:05Z"));
      try (ChatTestKit second = ChatTestKit.create(b -> b.historyStore(store).clock(later)
          .config(ChatConfig.builder().announcePresence(false).build()))) {
        ServerEvent.Joined joined = second.connect().rejoin("lobby", "bob", lastSeen).take(ServerEvent.Joined.class);

        assertThat(joined.recovered()).as("persistent store: %s", persistent).isEqualTo(persistent);
        assertThat(joined.history()).extracting(ChatMessage::text).last().isEqualTo("missed");
      }
    }
  }
}
