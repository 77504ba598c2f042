package dev.parley.chat.internal;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The {@link PrivateSenders} of this node's connections that closed lately, by connection id, for a
 * connection that continues one ({@link dev.parley.chat.spi.ClientConnection#continues()}, Socket.IO's
 * connection state recovery): a recovered client can then still mark read the private messages it
 * was handed before the drop. Kept for the recovery window, and at most {@link #MAX} of them, the
 * oldest forgotten first; a connection whose earlier one closed on another node starts with none.
 * Thread-safe.
 */
final class SenderHandover {
  /** The most closed connections' senders kept at once (each is at most about a kilobyte). */
  static final int MAX = 10_000;

  private record Closed(String user, PrivateSenders senders, long at) {}

  private final LongSupplier millis;
  private final long keepMillis;
  private final LinkedHashMap<String, Closed> closed = new LinkedHashMap<>(); // oldest first

  /** @param millis the server's clock, as {@link java.time.Clock#millis()} */
  SenderHandover(LongSupplier millis, Duration keep) {
    this.millis = millis;
    this.keepMillis = keep.toMillis();
  }

  /** A connection of {@code user} closed; its senders are kept if it has any. */
  void closed(String connectionId, String user, PrivateSenders senders) {
    if (user == null || senders.isEmpty()) {
      return; // most closes: no lock shared by every connection taken for them
    }
    synchronized (this) {
      forgetOld();
      closed.put(connectionId, new Closed(user, senders, millis.getAsLong()));
      if (closed.size() > MAX) {
        Iterator<String> oldest = closed.keySet().iterator();
        oldest.next();
        oldest.remove();
      }
    }
  }

  /**
   * The senders of the closed connection {@code connectionId}, given once, to a connection of the
   * same user only; else {@code null}. A connection that continues another may end up with another
   * name (its recovery failed, or the connect hook named it afresh): it must learn nothing of the
   * earlier user's conversations.
   */
  synchronized PrivateSenders take(String connectionId, String user) {
    forgetOld();
    Closed c = closed.get(connectionId);
    if (c == null || !c.user().equals(user)) {
      return null;
    }
    closed.remove(connectionId);
    return c.senders();
  }

  private void forgetOld() {
    long now = millis.getAsLong();
    for (Iterator<Map.Entry<String, Closed>> it = closed.entrySet().iterator(); it.hasNext(); ) {
      if (now - it.next().getValue().at() <= keepMillis) {
        return; // the rest are younger
      }
      it.remove();
    }
  }
}
