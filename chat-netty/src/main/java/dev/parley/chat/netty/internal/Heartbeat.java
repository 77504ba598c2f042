package dev.parley.chat.netty.internal;

import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The server's pings: one every ping interval, and a close ("ping timeout") if the pong has not
 * come within the ping timeout. On the session's loop only.
 */
final class Heartbeat {
  private final EngineSession session;
  private ScheduledFuture<?> pingTimer;
  private ScheduledFuture<?> pongTimer;

  Heartbeat(EngineSession session) {
    this.session = session;
  }

  void start() {
    EngineIoServer.Settings settings = session.server.settings();
    long interval = settings.pingIntervalMillis();
    // The deadline counts from when the ping was due, so a late timer does not stretch it.
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(interval + settings.pingTimeoutMillis());
    pingTimer = session.loop().schedule(() -> {
      if (!session.isOpen()) {
        return;
      }
      session.transport.enqueue(EngineFrame.PING);
      pongTimer = session.loop().schedule(() -> session.closing.close(CloseReason.PING_TIMEOUT, false),
          Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }, interval, TimeUnit.MILLISECONDS);
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
