package dev.parley.chat.examples;

import dev.parley.chat.netty.NettyChatServer;
import dev.parley.chat.netty.NettyConfig;
import dev.parley.chat.socketio.SocketIoConfig;
import java.time.Duration;
import java.util.Set;

/**
 * The target of the public Socket.IO conformance suite ({@code test-suite/} in the
 * socketio/socket.io-protocol repository), set up as its reference server is: the reference
 * handlers at {@code /socket.io/} (main and {@code /custom} namespaces), ping interval 300 ms, ping
 * timeout 200 ms, max payload 1,000,000, connect timeout 1000 ms, any origin. Run the suite against
 * {@code java -jar chat-examples.jar conformance --port 3000}. Socket.IO only, with no chat server:
 * namespaces and handlers of your own are all the public API needs.
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
    NettyChatServer.builder(config)
        .socketIo(socketIoConfig)
        .onSocketIo(io -> {
          io.of("/")
              .onConnection(client -> client.emit("auth", client.handshake().auth()))
              .on("message", (client, args, ack) -> client.emit("message-back", args.toArray()))
              .on("message-with-ack", (client, args, ack) -> ack.send(args.toArray()));
          io.of("/custom").onConnection(client -> client.emit("auth", client.handshake().auth()));
        })
        .build().start().toCompletableFuture().join();
    System.out.println("Conformance target listening on port " + listen.port() + " (/ and /custom at "
        + socketIoConfig.path() + ")");
    Thread.currentThread().join();
  }
}
