package dev.parley.chat.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that moves only when a test moves it, for rate limits and message times without sleeping.
 * Thread-safe.
 *
 * <p>Lifecycle: holds nothing to release; starts at the instant given to the constructor and
 * moves only when {@link #advance} or {@link #set} is called.
 */
public final class ManualClock extends Clock {
  private volatile Instant now;

  /** A clock standing at the given instant. */
  public ManualClock(Instant start) {
    this.now = start;
  }

  /** Moves the clock forward. */
  public synchronized void advance(Duration duration) {
    now = now.plus(duration);
  }

  /** Sets the clock. */
  public void set(Instant instant) {
    now = instant;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
