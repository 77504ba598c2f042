package dev.parley.chat.internal.concurrent;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one connection's tasks one at a time, in order, on a shared executor, with a bound on how many
 * may wait. This is what makes hooks of one connection (and a Socket.IO socket's handler calls)
 * sequential without a thread per connection. After {@value #TASKS_PER_TURN} tasks in a row it gives
 * its pool thread up and queues again, so one busy connection cannot hog the pool.
 *
 * <p>When the executor refuses work, nothing queued is dropped: a full executor is offered the
 * tasks again every 20 ms (the caller may be an event loop, which must never run them); a shut-down
 * one has them run on the calling thread, so that clean-up after a close still happens.
 *
 * <p>Threading: {@link #offer}, {@link #offerHere} and {@link #force} from any thread; {@link
 * #offerHere} may run the task on the calling thread. Lifecycle: none of its own; it
 * lives as long as its connection.
 */
public final class SerialExecutor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);
  /** Tasks run per turn before yielding the pool thread, so one busy connection cannot hog it. */
  private static final int TASKS_PER_TURN = 32;

  /**
   * Set while a thread runs a task {@link #offerHere here}: code that would wait for a stage can
   * tell that it is on a transport's I/O thread, where waiting is a bug.
   */
  private static final ThreadLocal<Boolean> HERE = new ThreadLocal<>();

  private final Executor executor;
  private final int limit;
  /**
   * Made at the first task that waits, small: a connection whose requests run where they arrive
   * ({@link #offerHere}) may never need one, and most others have a request or two waiting.
   */
  private ArrayDeque<Runnable> queue;
  private boolean scheduled;

  /** Runs on {@code executor}, refusing {@link #offer offers} once {@code limit} tasks wait. */
  public SerialExecutor(Executor executor, int limit) {
    this.executor = executor;
    this.limit = limit;
  }

  /** Queues a task unless {@code limit} tasks are already waiting. */
  public boolean offer(Runnable task) {
    return enqueue(task, false);
  }

  /**
   * Runs the task on the calling thread when no task of this executor waits or runs, else queues it
   * as {@link #offer} does. Tasks keep their order either way: one offered while this one runs waits
   * for it, and is then handed to the executor. For tasks that never block, so that a transport's
   * I/O thread may run them and save two thread hand-offs.
   */
  public boolean offerHere(Runnable task) {
    synchronized (this) {
      if (scheduled) {
        if (waiting() >= limit) {
          return false;
        }
        queue().add(task);
        return true;
      }
      scheduled = true; // nothing waits: the queue is empty whenever nothing is scheduled
    }
    boolean outermost = HERE.get() == null;
    if (outermost) {
      HERE.set(Boolean.TRUE);
    }
    try {
      run(task);
    } finally {
      if (outermost) {
        HERE.remove();
      }
    }
    endTurn(); // what came meanwhile runs on the executor, as it would have
    return true;
  }

  /** Whether the calling thread runs a task {@link #offerHere here}, on behalf of its caller. */
  public static boolean runningHere() {
    return HERE.get() != null;
  }

  /** Queues a task whatever the bound, for the one task that must not be dropped: the close. */
  public void force(Runnable task) {
    enqueue(task, true);
  }

  private boolean enqueue(Runnable task, boolean force) {
    synchronized (this) {
      if (!force && waiting() >= limit) {
        return false;
      }
      queue().add(task);
      if (scheduled) {
        return true;
      }
      scheduled = true;
    }
    schedule();
    return true;
  }

  private void schedule() {
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException e) {
      if (executor instanceof ExecutorService pool && pool.isShutdown()) {
        // After ChatServer.close(). Dropping the queue would lose the close clean-up and leave
        // ghost users and members; the calling thread runs it instead.
        log.debug("hook executor is shut down; running {} queued tasks on the calling thread", queueSize());
        drain();
      } else {
        // Full: the caller may be an event loop, which must never run hooks, so the tasks wait
        // (in their bounded queue) and are offered to the executor again shortly.
        log.debug("hook executor is full; {} queued tasks wait for it", queueSize());
        Retry.TIMER.schedule(this::schedule, Retry.DELAY_MILLIS, TimeUnit.MILLISECONDS);
      }
    }
  }

  /** Guarded by this. */
  private ArrayDeque<Runnable> queue() {
    if (queue == null) {
      queue = new ArrayDeque<>(2);
    }
    return queue;
  }

  /** Guarded by this. */
  private int waiting() {
    return queue == null ? 0 : queue.size();
  }

  private synchronized int queueSize() {
    return waiting();
  }

  /** One daemon thread, made on first use, that offers refused work to a full executor again. */
  private static final class Retry {
    static final long DELAY_MILLIS = 20;
    static final ScheduledExecutorService TIMER =
        Executors.newSingleThreadScheduledExecutor(r -> Threads.daemon(r, "parley-hook-retry"));
  }

  private void drain() {
    for (int i = 0; i < TASKS_PER_TURN; i++) {
      Runnable task;
      synchronized (this) {
        task = queue == null ? null : queue.poll();
        if (task == null) {
          scheduled = false;
          return;
        }
      }
      run(task);
    }
    endTurn();
  }

  private static void run(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException | Error e) {
      log.error("request handling failed", e);
    }
  }

  /** After a turn: nothing is scheduled if nothing waits, else what waits goes to the executor. */
  private void endTurn() {
    synchronized (this) {
      if (waiting() == 0) {
        scheduled = false;
        return;
      }
    }
    schedule();
  }
}
