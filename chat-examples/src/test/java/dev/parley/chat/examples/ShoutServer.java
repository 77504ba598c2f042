package dev.parley.chat.examples;

import dev.parley.chat.ChatServer;
import dev.parley.chat.cluster.redis.RedisClusterConfig;
import dev.parley.chat.cluster.redis.RedisClusterEngine;
import dev.parley.chat.netty.NettyChatServer;
import dev.parley.chat.socketio.Namespace;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * A node of a cluster whose own code broadcasts over Socket.IO, for {@code SocketIoEmitIT}: {@code
 * ShoutServer --redis-url URL --port N}. On namespace {@code /shout}, {@code enter ROOM} puts the
 * socket in that Socket.IO room (acknowledged with {@code "in"}); {@code shout ROOM ARGS...} emits
 * ARGS (binary ones too) as five events, in this order: {@code to everyone} (the namespace), {@code
 * to the room} (ROOM), {@code outside the room} (everyone except ROOM), {@code from another socket}
 * (everyone but the shouter) and {@code shout done}; it acknowledges {@code "sent"} once every emit
 * was handed to the cluster, or {@code "failed"}. On the chat namespace, {@code shout to room ROOM
 * TEXT} emits {@code room shout TEXT} to the Socket.IO room ROOM, which holds the chat members of
 * ROOM, and acknowledges the same way. On {@code /shout}, {@code gather FROM TO}, {@code scatter FROM
 * TO} and {@code kick ROOM} put the sockets of FROM in TO, take them out of it, and disconnect the
 * sockets of ROOM, on every node, acknowledged as a shout. Runs until killed.
 */
public final class ShoutServer {
  private ShoutServer() {}

  public static void main(String[] args) throws Exception {
    ExampleArgs options = ExampleArgs.parse(args, System::getenv);
    RedisClusterEngine cluster = RedisClusterEngine.create(
        RedisClusterConfig.builder(options.redisUrl()).build());
    ChatServer chat = ChatServer.builder().cluster(cluster).build();
    NettyChatServer server = NettyChatServer.builder(options.listen().config().build())
        .chat(chat)
        .onSocketIo(io -> {
          // On the chat namespace, whose chat rooms are Socket.IO rooms: to(ROOM) reaches the chat
          // members of ROOM on every node.
          io.of("/").on("shout to room", (client, a, ack) -> io.of("/").to((String) a.get(0)).emit("room shout", a.get(1))
              .whenComplete((done, failure) -> ack.send(failure == null ? "sent" : "failed")));
          Namespace shout = io.of("/shout");
          shout.on("enter", (client, a, ack) -> {
            client.join((String) a.get(0));
            ack.send("in");
          });
          // Server-side operations on the sockets of a room, on every node.
          shout.on("gather", (client, a, ack) -> shout.to((String) a.get(0)).socketsJoin((String) a.get(1))
              .whenComplete((done, failure) -> ack.send(failure == null ? "sent" : "failed")));
          shout.on("scatter", (client, a, ack) -> shout.to((String) a.get(0)).socketsLeave((String) a.get(1))
              .whenComplete((done, failure) -> ack.send(failure == null ? "sent" : "failed")));
          shout.on("kick", (client, a, ack) -> shout.to((String) a.get(0)).disconnectSockets()
              .whenComplete((done, failure) -> ack.send(failure == null ? "sent" : "failed")));
          shout.on("shout", (client, a, ack) -> {
            String room = (String) a.get(0);
            Object[] what = a.subList(1, a.size()).toArray();
            List<CompletableFuture<Void>> emits = List.of(
                shout.emit("to everyone", what).toCompletableFuture(),
                shout.to(room).emit("to the room", what).toCompletableFuture(),
                shout.except(room).emit("outside the room", what).toCompletableFuture(),
                client.broadcast().emit("from another socket", what).toCompletableFuture(),
                // Last: a socket that has it has every emit of this shout meant for it, since what
                // one node emits reaches each socket in the order it was emitted.
                shout.emit("shout done", what).toCompletableFuture());
            CompletableFuture.allOf(emits.toArray(CompletableFuture[]::new))
                .whenComplete((done, failure) -> ack.send(failure == null ? "sent" : "failed"));
          });
        })
        .build();
    server.start().toCompletableFuture().join();
    // ExampleProcess waits for this line.
    System.out.println("Shouting node " + cluster.nodeId() + ": open http://localhost:" + server.port() + "/");
    new CountDownLatch(1).await();
  }
}
