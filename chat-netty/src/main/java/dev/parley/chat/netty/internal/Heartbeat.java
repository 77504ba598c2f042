package dev.parley.chat.netty.internal;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The server's pings: one every ping interval, and a close ("ping timeout") if the pong has not
 * come within the ping timeout. On the session's loop only.
 *
 * <p>A session waiting for its next ping holds no timer of its own: it waits in its loop's
 * {@link Pings}, which times the earliest of them. Every idle session waits there, so a timer each
 * (a scheduled task, and its place in the loop's timer queue) would be kept by every connection.
 * Only the pong's deadline, which lasts a round trip, is a timer of the session's.
 */
final class Heartbeat {
  /** Null once stopped: a stopped heartbeat may wait in its loop's queue until its ping was due. */
  private EngineSession session;
  /** When the next ping is due, on {@link System#nanoTime}'s clock. */
  private long due;
  private ScheduledFuture<?> pongTimer;

  Heartbeat(EngineSession session) {
    this.session = session;
  }

  void start() {
    EngineSession s = session;
    if (s == null) {
      return;
    }
    long interval = TimeUnit.MILLISECONDS.toNanos(s.server.settings().pingIntervalMillis());
    due = System.nanoTime() + interval;
    s.server.pings(s.loop()).add(this, interval);
  }

  /** The ping is due; {@code now} is when its loop's queue found it so. */
  private void ping(long now) {
    EngineSession s = session;
    if (s == null || !s.isOpen()) {
      return;
    }
    s.transport.enqueue(EngineFrame.PING);
    // The deadline counts from when the ping was due, so a late ping does not stretch it.
    long timeout = TimeUnit.MILLISECONDS.toNanos(s.server.settings().pingTimeoutMillis());
    pongTimer = s.loop().schedule(() -> s.closing.close(CloseReason.PING_TIMEOUT, false),
        Math.max(0, timeout - Math.max(0, now - due)), TimeUnit.NANOSECONDS);
  }

  /** A pong: the next ping is due an interval from now. A pong nobody asked for changes nothing. */
  void onPong() {
    if (pongTimer != null) {
      pongTimer.cancel(false);
      pongTimer = null;
      start();
    }
  }

  void stop() {
    session = null;
    if (pongTimer != null) {
      pongTimer.cancel(false);
      pongTimer = null;
    }
  }

  /**
   * The sessions of one Engine.IO server on one event loop that wait for their next ping, in the
   * order their pings are due, and one timer, for the first of them. Each waits one ping interval
   * from when it was added, and they are added in time order, so the order of adding is the order
   * of due times. On its loop only.
   */
  static final class Pings implements Runnable {
    private final EventLoop loop;
    private final ArrayDeque<Heartbeat> waiting = new ArrayDeque<>();
    /** Whether a timer is set; it may be for a heartbeat stopped since, which costs one early run. */
    private boolean timed;

    Pings(EventLoop loop) {
      this.loop = loop;
    }

    /** Adds a heartbeat whose ping is due {@code delayNanos} from now. */
    void add(Heartbeat heartbeat, long delayNanos) {
      waiting.addLast(heartbeat);
      if (!timed) {
        timed = true;
        loop.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
      }
    }

    /** The timer: pings every heartbeat that is due, then times the next. */
    @Override
    public void run() {
      timed = false;
      long now = System.nanoTime();
      Heartbeat next;
      while ((next = waiting.peekFirst()) != null && (next.due - now <= 0 || next.session == null)) {
        waiting.pollFirst();
        next.ping(now);
      }
      if (next != null) {
        timed = true;
        loop.schedule(this, next.due - now, TimeUnit.NANOSECONDS);
      }
    }

    /** How many heartbeats wait, stopped ones included; for tests. */
    int size() {
      return waiting.size();
    }
  }
}
