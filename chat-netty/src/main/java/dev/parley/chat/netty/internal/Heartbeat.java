package dev.parley.chat.netty.internal;

import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The server's pings: one every ping interval, and a close ("ping timeout") if the pong has not
 * come within the ping timeout. On the session's loop only. It is its own ping task, rather than a
 * lambda, since every idle session holds the task for its whole life.
 */
final class Heartbeat implements Runnable {
  private final EngineSession session;
  private ScheduledFuture<?> pingTimer;
  private ScheduledFuture<?> pongTimer;

  Heartbeat(EngineSession session) {
    this.session = session;
  }

  void start() {
    pingTimer = session.loop().schedule(this, session.server.settings().pingIntervalMillis(), TimeUnit.MILLISECONDS);
  }

  /** The ping is due. */
  @Override
  public void run() {
    if (!session.isOpen()) {
      return;
    }
    session.transport.enqueue(EngineFrame.PING);
    // The deadline counts from when the ping was due, so a late timer does not stretch it; the
    // timer's delay is negative by how late it ran.
    long late = -pingTimer.getDelay(TimeUnit.NANOSECONDS);
    long timeout = TimeUnit.MILLISECONDS.toNanos(session.server.settings().pingTimeoutMillis());
    pongTimer = session.loop().schedule(() -> session.closing.close(CloseReason.PING_TIMEOUT, false),
        Math.max(0, timeout - Math.max(0, late)), TimeUnit.NANOSECONDS);
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
    if (pingTimer != null) {
      pingTimer.cancel(false);
    }
    if (pongTimer != null) {
      pongTimer.cancel(false);
    }
  }
}
