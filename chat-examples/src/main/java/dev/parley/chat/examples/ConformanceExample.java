package dev.parley.chat.examples;

import dev.parley.chat.netty.NettyConfig;
import dev.parley.chat.netty.internal.NettyServer;
import dev.parley.chat.netty.internal.engineio.EngineFrame;
import dev.parley.chat.netty.internal.engineio.EngineIoServer;
import dev.parley.chat.netty.internal.engineio.EngineListener;
import dev.parley.chat.netty.internal.engineio.EngineSession;
import dev.parley.chat.netty.internal.socketio.SocketIoRuntime;
import dev.parley.chat.socketio.Namespace;
import dev.parley.chat.socketio.SocketIoConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The target of the public Engine.IO and Socket.IO conformance suites ({@code test-suite/} in the
 * socketio/engine.io-protocol and socketio/socket.io-protocol repositories), set up as their reference
 * servers are: a raw Engine.IO echo at {@code /engine.io/}, the reference Socket.IO handlers at
 * {@code /socket.io/} (main and {@code /custom} namespaces), ping interval 300 ms, ping timeout
 * 200 ms, max payload 1,000,000, connect timeout 1000 ms, any origin. Run the suites against
 * {@code java -jar chat-examples.jar conformance --port 3000}.
 *
 * <p>Unlike the other examples this one reaches into Parley's internals: applications never need a
 * raw Engine.IO endpoint, the suites do.
 */
final class ConformanceExample {
  private ConformanceExample() {}

  static void run(Listen listen) throws InterruptedException {
    NettyConfig config = listen.config()
        .pingInterval(Duration.ofMillis(300))
        .pingTimeout(Duration.ofMillis(200))
        .allowedOrigins(Set.of("*"))
        .build();
    SocketIoConfig socketIoConfig = SocketIoConfig.builder()
        .maxPayload(1_000_000)
        .connectTimeout(Duration.ofMillis(1000))
        .build();
    ExecutorService workers = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "conformance-worker");
      t.setDaemon(true);
      return t;
    });

    SocketIoRuntime socketIo = new SocketIoRuntime(socketIoConfig, workers);
    Namespace main = socketIo.of("/")
        .onConnection(client -> client.emit("auth", client.handshake().auth()))
        .on("message", (client, args, ack) -> client.emit("message-back", args.toArray()))
        .on("message-with-ack", (client, args, ack) -> ack.send(args.toArray()));
    socketIo.of("/custom").onConnection(client -> client.emit("auth", client.handshake().auth()));

    EngineIoServer socketIoEngine = new EngineIoServer(settings("/socket.io/", config, socketIoConfig), socketIo);
    EngineIoServer echoEngine = new EngineIoServer(settings("/engine.io/", config, socketIoConfig), new Echo());

    new NettyServer(config, null, List.of(echoEngine, socketIoEngine)).start().toCompletableFuture().join();
    System.out.println("Conformance target listening on port " + listen.port() + " (" + main.name() + " and /custom at "
        + socketIoConfig.path() + ", raw Engine.IO echo at /engine.io/)");
    Thread.currentThread().join();
  }

  private static EngineIoServer.Settings settings(String path, NettyConfig config, SocketIoConfig socketIo) {
    return new EngineIoServer.Settings(path, config.pingInterval().toMillis(), config.pingTimeout().toMillis(),
        socketIo.maxPayload(), socketIo.upgradeTimeout().toMillis(), config.maxQueuedBytes(), config.allowedOrigins());
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
    public void onClose(EngineSession session, String reason) {}
  }
}
