package dev.parley.chat.internal.concurrent;

/** Parley's threads: always daemons, and the one default size of a shared worker pool. */
public final class Threads {
  private Threads() {}

  /** The threads a shared pool keeps even when idle: twice the cores, and at least 4. */
  public static int defaultPoolSize() {
    return Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
  }

  /** A daemon thread: the server's threads never keep the JVM alive. */
  public static Thread daemon(Runnable task, String name) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * Lets a failure of application code be logged and carried on from, except the JVM running out
   * of resources ({@link VirtualMachineError}), which is rethrown.
   */
  public static void rethrowIfFatal(Throwable e) {
    if (e instanceof VirtualMachineError fatal) {
      throw fatal;
    }
  }
}
