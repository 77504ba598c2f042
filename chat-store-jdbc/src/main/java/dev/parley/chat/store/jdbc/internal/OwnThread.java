package dev.parley.chat.store.jdbc.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread of the store's, for writes that must not wait in the append queue nor block
 * their caller (bans, read markers): tasks run one at a time, in order. Thread-safe; {@link #close}
 * lets the tasks queued so far finish, for a bounded time.
 */
final class OwnThread implements AutoCloseable {
  private final ExecutorService executor;

  OwnThread(String name) {
    executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Queues a task.
   *
   * @throws RejectedExecutionException once closed
   */
  void execute(Runnable task) {
    executor.execute(task);
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
