package dev.parley.chat.internal;

import dev.parley.chat.internal.concurrent.Threads;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Holds hooks that decide about a request to a deadline. Hooks are plain blocking calls, so the call
 * itself cannot be cut short: when the deadline passes first, a timer answers the request in the
 * hook's place, and whatever the hook returns afterwards is thrown away. Thread-safe; one per server.
 */
final class HookDeadline implements AutoCloseable {
  /** Thrown in place of a hook's late result: the request was already answered when time ran out. */
  static final class Expired extends RuntimeException {
    private static final Expired INSTANCE = new Expired();

    private Expired() {
      super("the hook missed its deadline", null, false, false);
    }
  }

  private final Clock clock;
  private final long timeoutMillis;
  private final ScheduledThreadPoolExecutor timer;

  HookDeadline(Clock clock, Duration timeout) {
    this.clock = clock;
    this.timeoutMillis = timeout.toMillis();
    this.timer = new ScheduledThreadPoolExecutor(1, r -> Threads.daemon(r, "parley-hook-deadline"));
    // Nearly every hook returns in time: its cancelled timer must not wait in the queue until due.
    timer.setRemoveOnCancelPolicy(true);
  }

  /**
   * Calls a hook. If it has not returned after the timeout, {@code onExpiry} answers the request
   * (on the timer's thread); a hook that returns or throws later then makes this throw {@link
   * Expired}. The server's clock is checked too, so a hook that returns after the deadline by that
   * clock (a test's manual clock, or a timer that could not run) counts as late: {@code onExpiry}
   * then runs here before {@link Expired} is thrown.
   *
   * @return what the hook returned in time
   * @throws Exception what the hook threw in time
   * @throws Expired if the hook missed the deadline; the request is answered
   */
  <T> T call(Callable<T> hook, Runnable onExpiry) throws Exception {
    AtomicBoolean settled = new AtomicBoolean();
    long start = clock.millis();
    ScheduledFuture<?> expiry = schedule(() -> {
      if (settled.compareAndSet(false, true)) {
        onExpiry.run();
      }
    });
    T result;
    try {
      result = hook.call();
    } catch (Exception | Error e) {
      settleInTime(settled, start, onExpiry);
      throw e;
    } finally {
      if (expiry != null) {
        expiry.cancel(false);
      }
    }
    settleInTime(settled, start, onExpiry);
    return result;
  }

  private void settleInTime(AtomicBoolean settled, long start, Runnable onExpiry) {
    if (!settled.compareAndSet(false, true)) {
      throw Expired.INSTANCE;
    }
    if (clock.millis() - start > timeoutMillis) {
      onExpiry.run();
      throw Expired.INSTANCE;
    }
  }

  private ScheduledFuture<?> schedule(Runnable expire) {
    try {
      return timer.schedule(expire, timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      return null; // the server is closed: only the clock still holds the hook to its deadline
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
