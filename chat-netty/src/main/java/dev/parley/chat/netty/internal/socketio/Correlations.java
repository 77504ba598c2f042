package dev.parley.chat.netty.internal.socketio;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * One chat socket's requests waiting for their answers: the request id the chat server echoes
 * (decimal, never reused) to the {@link Correlation} that says what the answer is for. Thread-safe.
 */
final class Correlations {
  private static final AtomicLongFieldUpdater<Correlations> IDS =
      AtomicLongFieldUpdater.newUpdater(Correlations.class, "ids");
  private volatile long ids; // an updater, not an AtomicLong: one object fewer per socket
  /** Null while no request waits, which is most of a socket's life. Guarded by this. */
  private Map<String, Correlation> waiting;

  /** A fresh request id for a request made for {@code why}. */
  String open(Correlation why) {
    String id = Long.toString(IDS.incrementAndGet(this));
    synchronized (this) {
      if (waiting == null) {
        waiting = new HashMap<>(4);
      }
      waiting.put(id, why);
    }
    return id;
  }

  /** What a request was made for, still waiting; {@code null} for an id this socket did not make. */
  synchronized Correlation peek(String requestId) {
    return requestId == null || waiting == null ? null : waiting.get(requestId);
  }

  /** What a request was made for, removed: the answer has come. The map goes once none waits. */
  synchronized Correlation take(String requestId) {
    if (requestId == null || waiting == null) {
      return null;
    }
    Correlation why = waiting.remove(requestId);
    if (waiting.isEmpty()) {
      waiting = null;
    }
    return why;
  }
}
