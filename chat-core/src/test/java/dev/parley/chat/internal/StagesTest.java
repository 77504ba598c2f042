package dev.parley.chat.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.internal.concurrent.SerialExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StagesTest {
  @Test
  void aRequestRunningOnTheThreadThatReceivedIt_mayTakeACompleteStage_butNeverWaitsForOne() {
    SerialExecutor serial = new SerialExecutor(Runnable::run, 8);
    AtomicReference<Object> complete = new AtomicReference<>();
    AtomicReference<Throwable> waiting = new AtomicReference<>();

    serial.offerHere(() -> {
      complete.set(Stages.await(CompletableFuture.completedFuture("done")));
      try {
        Stages.await(new CompletableFuture<>()); // would hold an I/O thread for 10 s
      } catch (RuntimeException e) {
        waiting.set(e);
      }
    });

    assertThat(complete.get()).isEqualTo("done");
    assertThat(waiting.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("I/O thread");
  }
}
