package dev.parley.chat.testkit;

import dev.parley.chat.Handshake;
import dev.parley.chat.spi.ClientConnection;
import dev.parley.chat.spi.ServerEvent;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A transport's connection as the core's SPI sees it, for tests that need what {@link TestClient}
 * does not show: it notes each event with the thread that handed it over, and may say it continues
 * an earlier connection ({@link ClientConnection#continues()}). Thread-safe.
 */
final class SpiConnection implements ClientConnection {
  /** An event, and the name of the thread that sent it. */
  record Sent(ServerEvent event, String thread) {}

  private final BlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
  private final String continues;

  /** A connection of a new session. */
  SpiConnection() {
    this(null);
  }

  /** A connection that continues the connection {@code continues}, or a new session's if {@code null}. */
  SpiConnection(String continues) {
    this.continues = continues;
  }

  @Override
  public Handshake handshake() {
    return Handshake.empty();
  }

  @Override
  public String continues() {
    return continues;
  }

  @Override
  public boolean send(ServerEvent event) {
    sent.add(new Sent(event, Thread.currentThread().getName()));
    return true;
  }

  @Override
  public void close(int code, String reason) {}

  /** The next event of this type, passing over the others; fails after 10 s. */
  <T extends ServerEvent> Sent next(Class<T> type) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      Sent s = sent.poll(100, TimeUnit.MILLISECONDS);
      if (s != null && type.isInstance(s.event())) {
        return s;
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " within 10 s");
  }

  /** As {@link #next}, the event alone. */
  <T extends ServerEvent> T nextEvent(Class<T> type) throws InterruptedException {
    return type.cast(next(type).event());
  }
}
