package dev.parley.chat.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every recipient of a shared event gets the same encoding, and no encoding holds up another. */
class SharedEventTest {
  private static final ServerEvent EVENT = new ServerEvent.Typing("lobby", "alice", null, true, 5_000);

  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  @Test
  void recipientsInTurnShareOneEncodingPerFormat() {
    SharedEvent shared = new SharedEvent(EVENT);
    AtomicInteger jsonCalls = new AtomicInteger();
    SharedEvent.Encoding<byte[]> json = e -> {
      jsonCalls.incrementAndGet();
      return e.toString().getBytes();
    };
    SharedEvent.Encoding<String> socketIo = e -> "42[\"typing\"]";
    SharedEvent.Encoding<String> third = e -> "third";

    byte[] first = shared.encoded(json);
    for (int recipient = 0; recipient < 10; recipient++) {
      assertThat(shared.encoded(json)).isSameAs(first);
      assertThat(shared.encoded(socketIo)).isSameAs(shared.encoded(socketIo));
      assertThat(shared.encoded(third)).isSameAs(shared.encoded(third));
    }
    assertThat(jsonCalls).hasValue(1);
  }

  @Test
  void anEncodingInProgressHoldsUpNoOtherRecipient() throws Exception {
    SharedEvent shared = new SharedEvent(EVENT);
    CountDownLatch slowStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    SharedEvent.Encoding<String> slow = e -> {
      slowStarted.countDown();
      await(release);
      return new String("slow");
    };
    SharedEvent.Encoding<String> fast = e -> "fast";

    CompletableFuture<String> slowRecipient = CompletableFuture.supplyAsync(() -> shared.encoded(slow), threads);
    assertThat(slowStarted.await(10, TimeUnit.SECONDS)).isTrue();

    // With the slow encoding still running: another format, and the same one, both answer.
    assertThat(CompletableFuture.supplyAsync(() -> shared.encoded(fast), threads).get(10, TimeUnit.SECONDS))
        .isEqualTo("fast");
    release.countDown();
    // A second recipient of the slow format, racing the first: whichever stores first is kept.
    String racer = CompletableFuture.supplyAsync(() -> shared.encoded(slow), threads).get(10, TimeUnit.SECONDS);

    assertThat(slowRecipient.get(10, TimeUnit.SECONDS)).as("the first to finish wins").isSameAs(racer);
  }

  @Test
  void recipientsRacingForOneFormatAllGetTheSameBytes() throws Exception {
    int recipients = 8;
    for (int round = 0; round < 200; round++) {
      SharedEvent shared = new SharedEvent(EVENT);
      CountDownLatch go = new CountDownLatch(1);
      SharedEvent.Encoding<byte[]> json = e -> e.toString().getBytes();
      List<CompletableFuture<byte[]>> sent = new ArrayList<>();
      for (int i = 0; i < recipients; i++) {
        sent.add(CompletableFuture.supplyAsync(() -> {
          await(go);
          return shared.encoded(json);
        }, threads));
      }
      go.countDown();
      byte[] kept = shared.encoded(json);
      for (CompletableFuture<byte[]> recipient : sent) {
        assertThat(recipient.get(10, TimeUnit.SECONDS)).isSameAs(kept);
      }
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("not released in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
