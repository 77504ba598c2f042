package dev.parley.chat.internal.clock;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/**
 * A history store's clock, for {@link dev.parley.chat.history.HistoryStore#useServerClock}: the clock
 * the store was built with, or, for a store built without one, the system clock until the server
 * gives its own. Safe from any thread: the server's clock is set once, before the server uses the
 * store, and read through a volatile field.
 */
public final class StoreClock extends Clock {
  private final boolean own;
  private volatile Clock delegate;

  /** @param own the clock the store was built with, or {@code null} to take the server's */
  public StoreClock(Clock own) {
    this.own = own != null;
    this.delegate = own != null ? own : Clock.systemUTC();
  }

  /**
   * Takes the server's clock, unless the store has its own.
   *
   * @throws IllegalArgumentException if the store was built with a clock not equal to {@code server}
   */
  public void useServerClock(Clock server) {
    Objects.requireNonNull(server, "clock");
    if (!own) {
      delegate = server;
    } else if (!delegate.equals(server)) {
      throw new IllegalArgumentException("The history store ages messages by " + delegate
          + " but the server runs on " + server + ": build the store without a clock (it then takes the"
          + " server's) or with the server's");
    }
  }

  @Override
  public ZoneId getZone() {
    return delegate.getZone();
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return delegate.withZone(zone);
  }

  @Override
  public Instant instant() {
    return delegate.instant();
  }

  @Override
  public long millis() {
    return delegate.millis();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
