package dev.parley.chat.examples;

import dev.parley.chat.netty.NettyChatServer;
import dev.parley.chat.socketio.Namespace;
import java.util.Set;

/**
 * The smallest chat there is: whatever a client emits on {@code chat} is emitted on {@code chat} to
 * every connected client, the sender included (the "websockets party" seed). No rooms, no names, no
 * history: the server is only a relay.
 *
 * <p>Shows: one event hook, and {@link Namespace#emit} to the whole namespace.
 */
final class BroadcastExample {
  private BroadcastExample() {}

  static void run(Listen listen) throws InterruptedException {
    start(listen).awaitShutdown("Broadcast chat (event 'chat') is running");
  }

  static Running start(Listen listen) {
    NettyChatServer server = NettyChatServer.builder(listen.config().allowedOrigins(Set.of("*")).build())
        .onSocketIo(io -> {
          Namespace everyone = io.of("/");
          // io.emit('chat', data) in the seed: to all clients, the sender too.
          everyone.on("chat", (client, args, ack) -> everyone.emit("chat", args.toArray()));
        })
        .build();
    server.start().toCompletableFuture().join();
    return new Running(server, null);
  }
}
