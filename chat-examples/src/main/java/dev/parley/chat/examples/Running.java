package dev.parley.chat.examples;

import dev.parley.chat.netty.NettyChatServer;
import java.util.concurrent.CountDownLatch;

/**
 * A started example: its network server and whatever else must be closed after it (a chat server,
 * for instance).
 *
 * @param server the listening server
 * @param afterStop closed once the server has stopped; may be {@code null}
 */
record Running(NettyChatServer server, AutoCloseable afterStop) {
  /** The port the example listens on. */
  int port() {
    return server.port();
  }

  /** Stops the server, then closes what comes after it. */
  void stop() {
    server.stop().toCompletableFuture().join();
    if (afterStop != null) {
      try {
        afterStop.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Prints how to reach the example and keeps it running until the JVM is asked to stop. */
  void awaitShutdown(String description) throws InterruptedException {
    System.out.println(description + " on port " + port() + " (Ctrl+C stops it)");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop();
      stopped.countDown();
    }, "parley-shutdown"));
    stopped.await();
  }
}
