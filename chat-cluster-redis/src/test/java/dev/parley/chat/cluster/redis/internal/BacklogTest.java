package dev.parley.chat.cluster.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class BacklogTest {
  /** An engine thread that runs nothing until the test says so. */
  private final List<Runnable> waiting = new ArrayList<>();
  private final Executor stalled = waiting::add;

  @Test
  void pastItsBoundTheListenerDropsInsteadOfQueueing() {
    Backlog backlog = new Backlog(stalled, 2);
    List<String> ran = new ArrayList<>();

    assertThat(backlog.offer(() -> ran.add("one"), "an entry")).isTrue();
    assertThat(backlog.offer(() -> ran.add("two"), "an entry")).isTrue();
    assertThat(backlog.offer(() -> ran.add("three"), "an entry")).as("full").isFalse();
    assertThat(waiting).hasSize(2);

    waiting.remove(0).run();
    assertThat(backlog.size()).isEqualTo(1);
    assertThat(backlog.offer(() -> ran.add("four"), "an entry")).as("room again").isTrue();
    waiting.forEach(Runnable::run);
    assertThat(ran).containsExactly("one", "two", "four");
    assertThat(backlog.size()).isZero();
  }

  @Test
  void anEngineThatRefusesWorkLeavesTheCountRight() {
    Backlog backlog = new Backlog(r -> {
      throw new java.util.concurrent.RejectedExecutionException("closing");
    }, 2);

    for (int i = 0; i < 3; i++) {
      try {
        backlog.offer(() -> { }, "an entry");
      } catch (java.util.concurrent.RejectedExecutionException expected) {
        // the engine is closing
      }
    }
    assertThat(backlog.size()).isZero();
  }
}
