package dev.parley.chat.netty.internal;

import dev.parley.chat.netty.NettyConfig;
import dev.parley.chat.socketio.SocketIoConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The target of the public Engine.IO conformance suite ({@code test-suite/} in the
 * socketio/engine.io-protocol repository), set up as its reference server is: a raw Engine.IO echo
 * at {@code /engine.io/}, ping interval 300 ms, ping timeout 200 ms, max payload 1,000,000, any
 * origin. Applications never serve raw Engine.IO, so this lives with the tests, beside {@link
 * AutobahnEchoServer}; docs/socket-io.md#conformance says how to run it. The Socket.IO suite's
 * target is the {@code conformance} example, on the public API.
 */
public final class EngineIoConformanceTarget {
  private EngineIoConformanceTarget() {}

  /** {@code args[0]}: the port. */
  public static void main(String[] args) throws InterruptedException {
    int port = Integer.parseInt(args[0]);
    NettyConfig config = NettyConfig.builder()
        .port(port)
        .pingInterval(Duration.ofMillis(300))
        .pingTimeout(Duration.ofMillis(200))
        .allowedOrigins(Set.of("*"))
        .build();
    EngineIoServer echo = new EngineIoServer(new EngineIoServer.Settings("/engine.io/",
        config.pingInterval().toMillis(), config.pingTimeout().toMillis(), 1_000_000,
        SocketIoConfig.defaults().upgradeTimeout().toMillis(), config.maxQueuedBytes(), config.allowedOrigins()),
        new Echo());
    new NettyServer(config, null, List.of(echo)).start().toCompletableFuture().join();
    System.out.println("Engine.IO conformance target listening on port " + port + " (echo at /engine.io/)");
    Thread.currentThread().join();
  }

  /** Sends every message back, text as text and binary as binary. */
  private static final class Echo implements EngineListener {
    @Override
    public void onOpen(EngineSession session) {}

    @Override
    public void onMessage(EngineSession session, String text) {
      session.send(EngineFrame.message(text));
    }

    @Override
    public void onBinary(EngineSession session, byte[] data) {
      session.send(EngineFrame.binary(data));
    }

    @Override
    public void onClose(EngineSession session, CloseReason reason) {}
  }
}
