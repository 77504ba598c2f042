package dev.parley.chat.spring.boot.internal;

import dev.parley.chat.netty.NettyChatServer;
import dev.parley.chat.netty.NettyConfig;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Ties a {@link NettyChatServer} to the application context: the port is bound when the context
 * starts (in the web server's phase, once every singleton is ready) and the server stops, gracefully
 * and without holding the stopping thread, when the context stops or closes. The {@link
 * dev.parley.chat.ChatServer} is closed after that, as a bean, when the context destroys it.
 *
 * <p>Called by Spring from one thread at a time. A Netty server starts once and stops once: after a
 * stop, {@link #start()} refuses.
 */
public final class NettyServerLifecycle implements SmartLifecycle {
  /** The phase Spring Boot starts and stops its embedded web server in. */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

  private static final Logger log = LoggerFactory.getLogger(NettyServerLifecycle.class);

  private final NettyChatServer server;
  private final NettyConfig config;
  private volatile boolean running;
  private volatile boolean stopped;

  /**
   * @param server the server to start and stop
   * @param config its network settings, for the message when the port cannot be bound
   */
  public NettyServerLifecycle(NettyChatServer server, NettyConfig config) {
    this.server = Objects.requireNonNull(server, "server");
    this.config = Objects.requireNonNull(config, "config");
  }

  /**
   * Binds the port and waits until the server listens.
   *
   * @throws IllegalStateException if the port could not be bound (the message names the address
   *     and the properties that set it), or if the server was stopped before
   */
  @Override
  public void start() {
    if (running) {
      return;
    }
    if (stopped) {
      throw new IllegalStateException("The Parley Netty server was stopped and cannot start again;"
          + " restart the application instead");
    }
    try {
      server.start().toCompletableFuture().join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException("Parley could not listen on " + config.host() + ":" + config.port()
          + " (parley.netty.host, parley.netty.port): " + cause.getMessage(), cause);
    }
    running = true;
  }

  @Override
  public void stop(Runnable callback) {
    running = false;
    stopped = true;
    server.stop().whenComplete((done, failure) -> {
      if (failure != null) {
        log.error("The Parley Netty server did not stop cleanly", failure);
      }
      callback.run();
    });
  }

  @Override
  public void stop() {
    running = false;
    stopped = true;
    server.stop().toCompletableFuture().join();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
