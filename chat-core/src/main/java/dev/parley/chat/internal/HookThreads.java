package dev.parley.chat.internal;

import dev.parley.chat.internal.concurrent.Threads;
import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default hook executor. Hooks may block, and a blocked hook holds its thread however long it
 * takes; a fixed pool would let a few of them stall every other connection. On Java 21 and later
 * each task gets a virtual thread; on Java 17 a pool grows past its core when every thread is busy.
 */
final class HookThreads {
  /** Threads kept even when idle. */
  static final int CORE_THREADS = Threads.defaultPoolSize();
  /** Most threads of the Java 17 pool: that many hooks blocked at once leave tasks queueing. */
  static final int MAX_THREADS = 256;
  /** Tasks that may wait once the Java 17 pool is at its most threads; more are refused. */
  static final int MAX_QUEUED = 10_000;
  /** How long a thread beyond the core may stay idle before it ends. */
  private static final long KEEP_ALIVE_SECONDS = 60;

  private HookThreads() {}

  /** Virtual threads when the runtime has them, else the elastic pool. */
  static ExecutorService create() {
    ExecutorService virtual = virtualThreads();
    return virtual != null ? virtual : elastic(CORE_THREADS, MAX_THREADS, MAX_QUEUED);
  }

  /**
   * {@code Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("parley-hook-", 1).factory())},
   * looked up at run time because the code is compiled for Java 17; {@code null} before Java 21.
   */
  static ExecutorService virtualThreads() {
    try {
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      Class<?> builderType = Class.forName("java.lang.Thread$Builder");
      builder = builderType.getMethod("name", String.class, long.class).invoke(builder, "parley-hook-", 1L);
      ThreadFactory factory = (ThreadFactory) builderType.getMethod("factory").invoke(builder);
      Method perTask = Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class);
      return (ExecutorService) perTask.invoke(null, factory);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * A pool of {@code core} threads that adds threads, up to {@code max}, whenever a task arrives
   * while every thread is busy, and only then queues, up to {@code maxQueued} tasks.
   */
  static ExecutorService elastic(int core, int max, int maxQueued) {
    return new Elastic(core, max, maxQueued);
  }

  private static final class Elastic extends ThreadPoolExecutor {
    /** Tasks accepted and not finished: running, or waiting for a thread. */
    private final AtomicInteger inFlight = new AtomicInteger();

    Elastic(int core, int max, int maxQueued) {
      super(core, max, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS, new GrowFirstQueue(maxQueued), daemonThreads(),
          (task, pool) -> {
            // The queue turned the task down to make the pool grow, but the pool is at its most
            // threads: then it waits, within the queue's bound.
            if (pool.isShutdown() || !((GrowFirstQueue) pool.getQueue()).queue(task)) {
              throw new RejectedExecutionException("hook executor is full or shut down");
            }
          });
      ((GrowFirstQueue) getQueue()).pool = this;
    }

    @Override
    public void execute(Runnable task) {
      inFlight.incrementAndGet();
      try {
        super.execute(task);
      } catch (RejectedExecutionException e) {
        inFlight.decrementAndGet();
        throw e;
      }
    }

    @Override
    protected void afterExecute(Runnable task, Throwable failure) {
      inFlight.decrementAndGet();
    }
  }

  /**
   * A {@link ThreadPoolExecutor} queues a task before it adds threads beyond the core; this queue
   * refuses a task while no thread is free and the pool may still grow, which makes it add one.
   */
  private static final class GrowFirstQueue extends LinkedBlockingQueue<Runnable> {
    private transient Elastic pool;

    GrowFirstQueue(int capacity) {
      super(capacity);
    }

    @Override
    public boolean offer(Runnable task) {
      Elastic p = pool;
      if (p != null && p.getPoolSize() < p.getMaximumPoolSize() && p.inFlight.get() > p.getPoolSize()) {
        return false;
      }
      return super.offer(task);
    }

    boolean queue(Runnable task) {
      return super.offer(task);
    }
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return r -> Threads.daemon(r, "parley-hook-" + count.incrementAndGet());
  }
}
