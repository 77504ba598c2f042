package dev.parley.chat.internal.logging;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the failures of a service the server depends on (the history store, the cluster), at most one
 * line at ERROR (or WARN) per {@link #INTERVAL}; the others at DEBUG, counted, the count carried by
 * the next ERROR. While a store is down every request that touches it fails: logging each at ERROR
 * would let clients flood the log, and bury the one line an operator needs. Thread-safe; one per
 * service, for the whole process ({@link #STORE}, {@link #CLUSTER}).
 */
public final class OutageLog {
  /** The least time between two lines above DEBUG of one service. */
  public static final Duration INTERVAL = Duration.ofSeconds(30);

  /** Failures of the history store. */
  public static final OutageLog STORE =
      new OutageLog(LoggerFactory.getLogger(dev.parley.chat.ChatServer.class), "history store", System::nanoTime);
  /** Failures of the cluster engine. */
  public static final OutageLog CLUSTER =
      new OutageLog(LoggerFactory.getLogger(dev.parley.chat.ChatServer.class), "cluster engine", System::nanoTime);

  private final Logger log;
  private final String service;
  private final LongSupplier nanoTime;
  private boolean logged; // whether a line above DEBUG was logged yet
  private long lastLoggedAt;
  private long suppressed; // failures logged at DEBUG since that line

  /**
   * @param log where lines go
   * @param service what fails, as the count of suppressed lines names it
   * @param nanoTime the clock, as {@link System#nanoTime()}
   */
  public OutageLog(Logger log, String service, LongSupplier nanoTime) {
    this.log = log;
    this.service = service;
    this.nanoTime = nanoTime;
  }

  /**
   * A failure: at ERROR, with the exception, unless another was within {@link #INTERVAL} (then at
   * DEBUG). {@code message} is the server's own text, never a client's.
   *
   * @param message what failed, such as {@code "history store read failed"}
   * @param cause the failure, or {@code null}
   */
  public void error(String message, Throwable cause) {
    log(true, message, cause);
  }

  /** As {@link #error}, at WARN: a failure that loses nothing a client asked for. */
  public void warn(String message, Throwable cause) {
    log(false, message, cause);
  }

  private void log(boolean error, String message, Throwable cause) {
    long earlier = admit();
    if (earlier < 0) {
      log.debug("{}: {}", message, LogText.of(cause));
      return;
    }
    // A Throwable as the last argument is the line's exception, with its stack trace.
    String format = earlier == 0 ? "{}" : "{} ({} more {} failures since the last such line were logged at DEBUG)";
    Object[] args = earlier == 0 ? new Object[] {message, cause} : new Object[] {message, earlier, service, cause};
    if (error) {
      log.error(format, args);
    } else {
      log.warn(format, args);
    }
  }

  /** -1 if this failure goes to DEBUG; else how many did since the last line above it. */
  private synchronized long admit() {
    long now = nanoTime.getAsLong();
    if (logged && now - lastLoggedAt < INTERVAL.toNanos()) {
      suppressed++;
      return -1;
    }
    logged = true;
    lastLoggedAt = now;
    long earlier = suppressed;
    suppressed = 0;
    return earlier;
  }
}
