package dev.parley.chat.history;

import java.time.Duration;
import java.util.Objects;

/**
 * How much a {@link HistoryStore} keeps of each stream: at most {@code maxMessages} of the newest
 * messages, none older than {@code maxAge}. Whichever limit is reached first applies.
 *
 * <p>Threading and lifecycle: an immutable value, safe to share between threads.
 *
 * @param maxMessages the most messages kept per stream, at least 1
 * @param maxAge the oldest a kept message may be; {@link #FOREVER} for no limit
 */
public record Retention(int maxMessages, Duration maxAge) {
  /** No age limit. */
  public static final Duration FOREVER = Duration.ofSeconds(Long.MAX_VALUE);

  /** Checks the limits. */
  public Retention {
    if (maxMessages < 1) {
      throw new IllegalArgumentException("maxMessages must be at least 1, was " + maxMessages);
    }
    Objects.requireNonNull(maxAge, "maxAge");
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("maxAge must be positive, was " + maxAge);
    }
  }

  /**
   * Keeps the newest messages of each stream, however old.
   *
   * @param maxMessages the most messages kept per stream
   * @return the retention
   */
  public static Retention messages(int maxMessages) {
    return new Retention(maxMessages, FOREVER);
  }

  /**
   * Returns this retention with an age limit as well.
   *
   * @param age the oldest a kept message may be
   * @return the retention
   */
  public Retention maxAge(Duration age) {
    return new Retention(maxMessages, age);
  }

  /** Whether a message sent at {@code messageMillis} is too old at {@code nowMillis}. */
  public boolean expired(long messageMillis, long nowMillis) {
    // Durations beyond what milliseconds can hold mean "no limit" (FOREVER is one).
    return maxAge.getSeconds() < Long.MAX_VALUE / 1000 && nowMillis - messageMillis > maxAge.toMillis();
  }
}
