package dev.parley.chat.internal.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
  /** One thread, no queue: while its thread is busy, it refuses every task. */
  private final ThreadPoolExecutor pool =
      new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> new Thread(r, "pool"));
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void tearDown() {
    release.countDown();
    pool.shutdownNow();
  }

  @Test
  void workAFullExecutorRefuses_neverRunsOnTheCallingThread_andRunsInOrderOnceItHasRoom() throws Exception {
    pool.execute(() -> await(release)); // a blocked hook holds the only thread
    SerialExecutor serial = new SerialExecutor(pool, 8);
    List<String> ran = new CopyOnWriteArrayList<>();

    // The caller stands for a transport's event loop.
    assertThat(serial.offer(() -> ran.add("first on " + Thread.currentThread().getName()))).isTrue();
    assertThat(serial.offer(() -> ran.add("second on " + Thread.currentThread().getName()))).isTrue();
    assertThat(ran).isEmpty();

    release.countDown();
    awaitSize(ran, 2);
    assertThat(ran).containsExactly("first on pool", "second on pool");
  }

  @Test
  void afterTheExecutorIsShutDown_queuedWorkRunsOnTheCallingThread() {
    ExecutorService closed = pool;
    closed.shutdown();
    SerialExecutor serial = new SerialExecutor(closed, 8);
    List<String> ran = new CopyOnWriteArrayList<>();

    serial.force(() -> ran.add("clean-up on " + Thread.currentThread().getName()));

    assertThat(ran).containsExactly("clean-up on " + Thread.currentThread().getName());
  }

  @Test
  void offersPastTheBoundAreRefused_butTheForcedTaskIsQueued_andEveryQueuedTaskRuns() throws Exception {
    pool.execute(() -> await(release));
    SerialExecutor serial = new SerialExecutor(pool, 2);
    List<String> ran = new CopyOnWriteArrayList<>();

    assertThat(serial.offer(() -> ran.add("a"))).isTrue();
    assertThat(serial.offer(() -> ran.add("b"))).isTrue();
    assertThat(serial.offer(() -> ran.add("refused"))).isFalse();
    serial.force(() -> ran.add("close"));

    release.countDown();
    awaitSize(ran, 3);
    assertThat(ran).containsExactly("a", "b", "close");
  }

  @Test
  void aBusyConnectionGivesItsThreadUpAfter32Tasks_soAnotherConnectionRunsInBetween() throws Exception {
    ExecutorService single = java.util.concurrent.Executors.newSingleThreadExecutor(r -> new Thread(r, "single"));
    try {
      SerialExecutor busy = new SerialExecutor(single, 1000);
      SerialExecutor other = new SerialExecutor(single, 1000);
      List<String> ran = new CopyOnWriteArrayList<>();
      CountDownLatch gate = new CountDownLatch(1);
      single.execute(() -> await(gate)); // both queue behind this, so their order on the thread is known
      for (int i = 0; i < 100; i++) {
        int n = i;
        busy.offer(() -> ran.add("busy " + n));
      }
      other.offer(() -> ran.add("other"));
      gate.countDown();

      awaitSize(ran, 101);
      assertThat(ran.indexOf("other")).isEqualTo(32);
    } finally {
      single.shutdownNow();
    }
  }

  @Test
  void offerHere_runsOnTheCallingThreadWhenNothingWaits_andTellsTheTaskSo() {
    SerialExecutor serial = new SerialExecutor(pool, 8);
    List<String> ran = new CopyOnWriteArrayList<>();

    assertThat(serial.offerHere(() -> ran.add(Thread.currentThread().getName() + " here=" + SerialExecutor.runningHere())))
        .isTrue();

    assertThat(ran).containsExactly(Thread.currentThread().getName() + " here=true");
    assertThat(SerialExecutor.runningHere()).isFalse();
  }

  @Test
  void offerHere_behindAQueuedTask_waitsItsTurnOnTheExecutor_soOrderIsKept() throws Exception {
    pool.execute(() -> await(release)); // the executor is busy, so the first task waits
    SerialExecutor serial = new SerialExecutor(pool, 8);
    List<String> ran = new CopyOnWriteArrayList<>();

    serial.offer(() -> ran.add("first on " + Thread.currentThread().getName()));
    serial.offerHere(() -> ran.add("second on " + Thread.currentThread().getName()));
    assertThat(ran).isEmpty();

    release.countDown();
    awaitSize(ran, 2);
    assertThat(ran).containsExactly("first on pool", "second on pool");
  }

  @Test
  void aTaskOfferedWhileOneRunsHere_runsAfterIt_onTheExecutor() throws Exception {
    SerialExecutor serial = new SerialExecutor(pool, 8);
    List<String> ran = new CopyOnWriteArrayList<>();

    serial.offerHere(() -> {
      serial.offerHere(() -> ran.add("second on " + Thread.currentThread().getName()));
      ran.add("first on " + Thread.currentThread().getName());
    });

    awaitSize(ran, 2);
    assertThat(ran).containsExactly("first on " + Thread.currentThread().getName(), "second on pool");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitSize(List<?> list, int size) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (list.size() < size && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }
}
