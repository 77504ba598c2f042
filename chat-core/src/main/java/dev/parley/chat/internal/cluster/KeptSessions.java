package dev.parley.chat.internal.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Transports' recovery states for the {@link InProcessEngine}: bounded in number, each kept until its
 * time to live passes. Thread-safe (one lock; every operation is short).
 */
final class KeptSessions {
  private record Kept(byte[] state, long expiresMillis) {}

  private final Clock clock;
  private final int max;
  /** In order of writing: with equal lifetimes, the oldest write is the first to expire. */
  private final LinkedHashMap<String, Kept> kept = new LinkedHashMap<>();

  KeptSessions(Clock clock, int max) {
    this.clock = clock;
    this.max = max;
  }

  synchronized void keep(String sessionId, byte[] state, Duration ttl) {
    long now = clock.millis();
    kept.remove(sessionId);
    kept.put(sessionId, new Kept(state.clone(), now + ttl.toMillis()));
    Iterator<Map.Entry<String, Kept>> oldest = kept.entrySet().iterator();
    while (oldest.hasNext()) {
      Map.Entry<String, Kept> e = oldest.next();
      if (kept.size() <= max && e.getValue().expiresMillis() > now) {
        break;
      }
      oldest.remove(); // expired, or the oldest state beyond the bound
    }
  }

  synchronized Optional<byte[]> take(String sessionId) {
    Kept k = kept.remove(sessionId);
    if (k == null || k.expiresMillis() <= clock.millis()) {
      return Optional.empty();
    }
    return Optional.of(k.state());
  }

  synchronized int size() {
    return kept.size();
  }
}
