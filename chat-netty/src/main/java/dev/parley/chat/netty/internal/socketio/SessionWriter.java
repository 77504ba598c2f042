package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.spi.TransportLink;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one live socket's recovery state in the cluster, so that its client can recover on any
 * node even if this one dies without a word (kill -9): the state is written whenever it changes,
 * not at disconnect, and written again every half of its time to live while nothing changes. At
 * most one write is under way; changes meanwhile make one more write, of the state as it is then,
 * so a burst of changes costs two writes, not one each.
 *
 * <p>Thread-safe: changes come from the socket's threads, completions from the engine's, refreshes
 * from the socket's event loop.
 */
final class SessionWriter implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(SessionWriter.class);

  private final TransportLink link;
  private final String pid;
  private final Duration ttl;
  private final Supplier<SessionState> state;
  private final ScheduledExecutorService loop;
  // Guarded by this.
  private boolean writing;
  private boolean again;
  private boolean stopped;
  private ScheduledFuture<?> refresh;
  /** Completes when the write under way lands (or fails); null while none is. */
  private CompletableFuture<Void> current;
  /** Completes when the write after it lands: the one that takes the changes made meanwhile. */
  private CompletableFuture<Void> next;

  /**
   * @param ttl how long the state is kept after each write: the recovery window
   * @param state the socket's state now
   * @param loop where refreshes are timed
   */
  SessionWriter(TransportLink link, String pid, Duration ttl, Supplier<SessionState> state,
      ScheduledExecutorService loop) {
    this.link = link;
    this.pid = pid;
    this.ttl = ttl;
    this.state = state;
    this.loop = loop;
  }

  /** The refresh timer: the state is written again before its time to live runs out. */
  @Override
  public void run() {
    changed();
  }

  /**
   * The state changed: writes it, now or after the write under way.
   *
   * @return completes once a write that holds this change has landed, or failed (then the state
   *     kept is the previous one); at once if the writer was stopped
   */
  CompletionStage<Void> changed() {
    CompletableFuture<Void> landed;
    synchronized (this) {
      if (stopped) {
        return CompletableFuture.completedFuture(null);
      }
      if (writing) {
        again = true;
        if (next == null) {
          next = new CompletableFuture<>();
        }
        return next;
      }
      writing = true;
      current = landed = new CompletableFuture<>();
    }
    write();
    return landed;
  }

  private void write() {
    byte[] bytes;
    try {
      bytes = state.get().encode();
    } catch (RuntimeException e) {
      finished(e);
      throw e;
    }
    link.keepSession(pid, bytes, ttl).whenComplete((v, e) -> finished(e));
  }

  private void finished(Throwable failure) {
    if (failure != null) {
      // The refresh below tries again; until then a recovery finds the previous state or none.
      log.debug("could not keep a Socket.IO session's recovery state: {}", failure.toString());
    }
    boolean more;
    CompletableFuture<Void> landed;
    synchronized (this) {
      landed = current;
      more = again;
      again = false;
      writing = more;
      current = more ? (next != null ? next : new CompletableFuture<>()) : null;
      next = null;
      if (!more && !stopped) {
        if (refresh != null) {
          refresh.cancel(false);
        }
        refresh = loop.schedule(this, Math.max(1, ttl.toMillis() / 2), TimeUnit.MILLISECONDS);
      }
    }
    if (landed != null) {
      landed.complete(null); // failed too: the caller goes on, as without a kept state
    }
    if (more) {
      write();
    }
  }

  /**
   * No more writes but those already asked for: the socket dropped, and its client may recover what
   * it had.
   */
  synchronized void finish() {
    stopped = true;
    cancelRefresh();
  }

  /**
   * No more writes at all: the socket is gone for good, or its client went on elsewhere. A write
   * under way still lands.
   */
  void stop() {
    CompletableFuture<Void> dropped;
    synchronized (this) {
      stopped = true;
      again = false;
      dropped = next;
      next = null;
      cancelRefresh();
    }
    if (dropped != null) {
      dropped.complete(null); // the write it waited for will not happen
    }
  }

  private void cancelRefresh() {
    if (refresh != null) {
      refresh.cancel(false);
      refresh = null;
    }
  }
}
