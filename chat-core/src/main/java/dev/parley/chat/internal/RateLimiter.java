package dev.parley.chat.internal;

import java.time.Clock;

/** A token bucket: {@code burst} tokens, refilled at {@code perSecond}. */
final class RateLimiter {
  private final Clock clock;
  private final double perMilli;
  private final int burst;
  private double tokens;
  private long lastMillis;

  RateLimiter(Clock clock, int perSecond, int burst) {
    this.clock = clock;
    this.perMilli = perSecond / 1000.0;
    this.burst = burst;
    this.tokens = burst;
    this.lastMillis = clock.millis();
  }

  synchronized boolean tryAcquire() {
    long now = clock.millis();
    if (now > lastMillis) {
      tokens = Math.min(burst, tokens + (now - lastMillis) * perMilli);
      lastMillis = now;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
