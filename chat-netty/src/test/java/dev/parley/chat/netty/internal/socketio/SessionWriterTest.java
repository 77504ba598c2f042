package dev.parley.chat.netty.internal.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.spi.TransportLink;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionWriterTest {
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
  /** The writes the link was asked for, each completed by the test. */
  private final List<CompletableFuture<Void>> writes = new CopyOnWriteArrayList<>();
  private final List<String> written = new CopyOnWriteArrayList<>();
  private final AtomicReference<String> user = new AtomicReference<>("v1");

  private final TransportLink link = new TransportLink() {
    @Override
    public CompletionStage<Void> relay(byte[] payload) {
      throw new AssertionError("a writer relays nothing");
    }

    @Override
    public CompletionStage<Void> keepSession(String sessionId, byte[] state, Duration ttl) {
      written.add(SessionState.decode(state).user() + " for " + ttl.toMillis() + "ms");
      CompletableFuture<Void> write = new CompletableFuture<>();
      writes.add(write);
      return write;
    }

    @Override
    public CompletionStage<Optional<byte[]>> takeSession(String sessionId) {
      throw new AssertionError("a writer takes nothing");
    }

    @Override
    public void close() {}
  };

  @AfterEach
  void stopLoop() {
    loop.shutdownNow();
  }

  private SessionWriter writer(Duration ttl) {
    return new SessionWriter(link, "pid", ttl,
        () -> new SessionState("sid", "pid", user.get(), null, Map.of(), null, new long[0]), loop);
  }

  @Test
  void aBurstOfChangesIsOneWriteUnderWayAndOneMoreOfTheNewestState() {
    SessionWriter w = writer(Duration.ofMinutes(2));

    w.changed();
    user.set("v2");
    w.changed();
    user.set("v3");
    w.changed();
    assertThat(written).containsExactly("v1 for 120000ms");

    writes.get(0).complete(null);
    assertThat(written).containsExactly("v1 for 120000ms", "v3 for 120000ms");
    writes.get(1).complete(null);
    assertThat(written).hasSize(2);
  }

  @Test
  void aChangeIsReportedKeptOnlyOnceAWriteThatHoldsItLanded() {
    SessionWriter w = writer(Duration.ofMinutes(2));

    CompletableFuture<Void> first = w.changed().toCompletableFuture();
    user.set("v2");
    CompletableFuture<Void> second = w.changed().toCompletableFuture();
    CompletableFuture<Void> third = w.changed().toCompletableFuture();
    assertThat(first).isNotDone();

    writes.get(0).complete(null);
    assertThat(first).as("the first write held it").isDone();
    assertThat(second).as("made while the first was under way: the next write holds it").isNotDone();
    writes.get(1).completeExceptionally(new IllegalStateException("Redis is unavailable"));
    assertThat(second).as("failed: the caller goes on without it").isDone();
    assertThat(third).isDone();
  }

  @Test
  void aChangeWaitingForAWriteThatStopNeverMakesIsReleased() {
    SessionWriter w = writer(Duration.ofMinutes(2));
    w.changed();
    CompletableFuture<Void> waiting = w.changed().toCompletableFuture();

    w.stop();

    assertThat(waiting).isDone();
    assertThat(w.changed()).isDone();
  }

  @Test
  void writtenAgainWithinHalfItsTtlWhileNothingChanges() throws Exception {
    SessionWriter w = writer(Duration.ofMillis(200));

    w.changed();
    writes.get(0).complete(null);

    awaitWrites(2);
    writes.get(1).complete(null);
    awaitWrites(3);
    w.stop();
  }

  @Test
  void aFailedWriteIsTriedAgainByTheRefresh() throws Exception {
    SessionWriter w = writer(Duration.ofMillis(200));

    w.changed();
    writes.get(0).completeExceptionally(new IllegalStateException("Redis is unavailable"));

    awaitWrites(2);
    w.stop();
  }

  @Test
  void stoppedNothingMore_finishedOnlyWhatWasAskedFor() {
    SessionWriter stopped = writer(Duration.ofMinutes(2));
    stopped.changed();
    stopped.changed(); // waits for the first
    stopped.stop();
    writes.get(0).complete(null);
    stopped.changed();
    assertThat(written).hasSize(1);

    SessionWriter finished = writer(Duration.ofMinutes(2));
    finished.changed();
    user.set("last");
    finished.changed();
    finished.finish();
    writes.get(1).complete(null);
    finished.changed();
    assertThat(written).containsExactly("v1 for 120000ms", "v1 for 120000ms", "last for 120000ms");
  }

  private void awaitWrites(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (writes.size() < count) {
      assertThat(System.nanoTime()).as("%d writes within 10 s", count).isLessThan(deadline);
      Thread.onSpinWait();
      Thread.yield();
    }
  }
}
