package dev.parley.chat.netty.internal.socketio;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One socket's handler calls, run in arrival order, one at a time, on the shared worker pool. Bounded:
 * {@link #offer} refuses once {@code limit} calls wait.
 */
final class SerialQueue {
  private static final Logger log = LoggerFactory.getLogger(SerialQueue.class);

  private final Executor executor;
  private final int limit;
  /** Small at first: most sockets have at most a call or two waiting; it grows when needed. */
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>(2);
  private boolean running;

  SerialQueue(Executor executor, int limit) {
    this.executor = executor;
    this.limit = limit;
  }

  boolean offer(Runnable call) {
    synchronized (this) {
      if (waiting.size() >= limit) {
        return false;
      }
      waiting.add(call);
      if (running) {
        return true;
      }
      running = true;
    }
    try {
      executor.execute(this::runAll);
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        waiting.clear();
        running = false;
      }
    }
    return true;
  }

  private void runAll() {
    for (;;) {
      Runnable call;
      synchronized (this) {
        call = waiting.poll();
        if (call == null) {
          running = false;
          return;
        }
      }
      try {
        call.run();
      } catch (RuntimeException | Error e) {
        log.error("Socket.IO handler failed", e);
      }
    }
  }
}
