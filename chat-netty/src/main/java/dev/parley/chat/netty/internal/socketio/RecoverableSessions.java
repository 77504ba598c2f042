package dev.parley.chat.netty.internal.socketio;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The chat state of Socket.IO clients whose connection dropped, by private session id, kept for a
 * while so that they can recover it. Bounded in time and in number: entries sit in the order they
 * were saved, which is also the order they expire in, so both limits drop from the head.
 */
final class RecoverableSessions {

  /**
   * What a dropped socket leaves behind.
   *
   * @param sid its socket id, given back on recovery
   * @param pid its private session id
   * @param user its username, or {@code null} if it never had one
   * @param rooms the rooms it was in, in the order it joined them
   * @param floors per room, the newest message id it had when it joined (from the join's history)
   * @param lastRoom the room its bare-text messages went to
   * @param ownIds room messages it sent itself, which it never received as events; {@code null} if
   *     none a recovery could replay
   * @param savedAtNanos when it dropped
   */
  record Saved(
      String sid,
      String pid,
      String user,
      List<String> rooms,
      Map<String, String> floors,
      String lastRoom,
      OwnMessageIds ownIds,
      long savedAtNanos) {}

  private final long maxAgeNanos;
  private final int maxEntries;
  private final LongSupplier nanoTime;
  private final LinkedHashMap<String, Saved> byPid = new LinkedHashMap<>();

  RecoverableSessions(long maxAgeNanos, int maxEntries, LongSupplier nanoTime) {
    this.maxAgeNanos = maxAgeNanos;
    this.maxEntries = maxEntries;
    this.nanoTime = nanoTime;
  }

  synchronized void save(Saved saved) {
    expire();
    while (byPid.size() >= maxEntries) {
      Iterator<String> eldest = byPid.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
    byPid.put(saved.pid(), saved);
  }

  /** Removes and returns the state saved under {@code pid}: one recovery per drop, at most. */
  synchronized Saved take(String pid) {
    expire();
    return byPid.remove(pid);
  }

  synchronized int size() {
    expire();
    return byPid.size();
  }

  private void expire() {
    long now = nanoTime.getAsLong();
    for (Iterator<Saved> it = byPid.values().iterator(); it.hasNext(); ) {
      if (now - it.next().savedAtNanos() <= maxAgeNanos) {
        return;
      }
      it.remove();
    }
  }
}
