package dev.parley.chat.netty;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * What the server logs while it is open: the tests' slf4j binding (slf4j-simple) writes every log
 * line to {@code System.err} as it is at the time of the call, so swapping that stream in catches
 * Parley's lines and Netty's alike. Lines still reach the original stream too.
 */
final class LogCapture implements AutoCloseable {
  private final PrintStream original = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  LogCapture() {
    OutputStream tee = new OutputStream() {
      @Override
      public void write(int b) {
        synchronized (captured) {
          captured.write(b);
        }
        original.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        synchronized (captured) {
          captured.write(b, off, len);
        }
        original.write(b, off, len);
      }
    };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
  }

  /** Everything logged so far. */
  String text() {
    synchronized (captured) {
      return captured.toString(StandardCharsets.UTF_8);
    }
  }

  List<String> lines() {
    return text().lines().toList();
  }

  /** Waits, up to a deadline, for a line that matches; true if one came. */
  boolean await(Predicate<String> line, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (lines().stream().anyMatch(line)) {
        return true;
      }
      Thread.sleep(20);
    }
    return lines().stream().anyMatch(line);
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
