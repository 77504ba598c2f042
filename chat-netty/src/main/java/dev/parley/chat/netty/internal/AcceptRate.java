package dev.parley.chat.netty.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket for new connections, lock-free: it keeps only the time at which the bucket would
 * be full again (the generic cell rate algorithm), advanced with compare-and-set by whichever
 * thread accepts a connection. Thread-safe.
 */
final class AcceptRate {
  private final long intervalNanos;
  private final long toleranceNanos;
  private final AtomicLong fullAt;

  /**
   * @param perSecond connections per second, refilled continuously
   * @param burst connections that may arrive at once; the bucket starts full
   * @param nowNanos the current {@link System#nanoTime()}
   */
  AcceptRate(int perSecond, int burst, long nowNanos) {
    this.intervalNanos = 1_000_000_000L / perSecond;
    this.toleranceNanos = (burst - 1) * intervalNanos;
    this.fullAt = new AtomicLong(nowNanos);
  }

  /** Takes a token if there is one at {@code nowNanos}. */
  boolean tryAcquire(long nowNanos) {
    for (;;) {
      long full = fullAt.get();
      long base = full - nowNanos < 0 ? nowNanos : full;
      if (base - nowNanos > toleranceNanos) {
        return false;
      }
      if (fullAt.compareAndSet(full, base + intervalNanos)) {
        return true;
      }
    }
  }
}
