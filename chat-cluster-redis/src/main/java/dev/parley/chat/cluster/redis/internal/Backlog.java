package dev.parley.chat.cluster.redis.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what the pub/sub listener hands to the engine thread. Redis pushes a followed room's
 * entries, routed messages and relays as fast as other nodes publish; if this node's engine thread
 * falls behind (the machine is overloaded, or {@link dev.parley.chat.cluster.LocalNode} is slow),
 * the queue would grow without end. Past {@link #MAX_QUEUED} the listener drops instead: a room
 * entry becomes a gap that the follower fills from the room's log (or resets the room), so nothing
 * is skipped silently; a routed message or relay is lost, which is logged. Thread-safe.
 */
final class Backlog {
  /** Deliveries queued to the engine thread at most; about 100 bytes of bookkeeping each. */
  static final int MAX_QUEUED = 100_000;
  private static final Logger LOG = LoggerFactory.getLogger(RedisEngine.class);
  private static final long LOG_EVERY_NANOS = 10_000_000_000L;

  private final Executor engine;
  private final int max;
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicLong droppedSinceLog = new AtomicLong();
  private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

  Backlog(Executor engine, int max) {
    this.engine = engine;
    this.max = max;
  }

  /**
   * Queues a delivery to the engine thread, unless the backlog is full.
   *
   * @param what what is dropped if it is, for the log
   * @return whether it was queued
   */
  boolean offer(Runnable delivery, String what) {
    if (queued.incrementAndGet() > max) {
      queued.decrementAndGet();
      dropped(what);
      return false;
    }
    try {
      engine.execute(() -> {
        queued.decrementAndGet();
        delivery.run();
      });
      return true;
    } catch (RuntimeException e) {
      queued.decrementAndGet();
      throw e;
    }
  }

  /** How many deliveries wait for the engine thread now. */
  int size() {
    return queued.get();
  }

  private void dropped(String what) {
    long n = droppedSinceLog.incrementAndGet();
    long now = System.nanoTime();
    long last = lastLog.get();
    // At most one line per interval: a node this far behind must not also flood its log. INFO, as
    // for other load the server sheds: enough clients' traffic could bring it about, and no client
    // may make the server log at WARN.
    if (now - last >= LOG_EVERY_NANOS && lastLog.compareAndSet(last, now)) {
      droppedSinceLog.addAndGet(-n);
      LOG.info("this node's engine thread is {} deliveries behind; dropped {} ({} in all since the last"
          + " report): room entries are filled from the log, routed messages and relays are lost", max, what, n);
    }
  }
}
