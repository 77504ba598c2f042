package dev.parley.chat.examples;

import dev.parley.chat.ChatServer;
import dev.parley.chat.cluster.redis.RedisClusterConfig;
import dev.parley.chat.cluster.redis.RedisClusterEngine;
import dev.parley.chat.netty.NettyChatServer;
import dev.parley.chat.socketio.Namespace;
import dev.parley.chat.socketio.AckTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * sockets of ROOM, on every node, acknowledged as a shout. {@code tag VALUE} keeps VALUE in the
 * socket's data; {@code fetch ROOM} acknowledges the sockets of ROOM on every node as {@code {id,
 * rooms, tag, query}} each ({@code fetchSockets}), or {@code {error}}; {@code poke ID TEXT} emits
 * {@code poked TEXT} to the socket ID wherever it is, found by a fetch of the namespace; {@code ask
 * ROOM MS} asks the sockets of ROOM on every node {@code question} and acknowledges {@code {ok,
 * responses}} with their acknowledgements' arguments ({@code ok} false if some did not answer
 * within MS milliseconds); {@code quiz ID MS} asks the socket ID, wherever it is, {@code quiz} through
 * its {@code RemoteSocket} and acknowledges {@code {ok, answer}} (or {@code {ok: false, error}});
 * {@code tell TEXT} sends the server-side event {@code told TEXT} to the other nodes, whose hook
 * emits {@code heard NODE TEXT} (its node id) to room {@code listeners}, on every node; {@code poll
 * MS} asks the other nodes' server-side hook of {@code poll}, which answers with its node id, and acknowledges {@code
 * {ok, responses}}. Runs until killed.
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
          shout.on("tag", (client, a, ack) -> {
            client.data().put("tag", a.get(0));
            ack.send("tagged");
          });
          shout.on("fetch", (client, a, ack) -> shout.to((String) a.get(0)).fetchSockets()
              .whenComplete((sockets, failure) -> ack.send(failure != null ? Map.of("error", failure.toString())
                  : sockets.stream().map(s -> Map.of("id", s.id(), "rooms", List.copyOf(s.rooms()),
                      "tag", s.data().getOrDefault("tag", ""), "query", s.handshake().query("who").orElse("")))
                      .toList())));
          shout.on("poke", (client, a, ack) -> shout.fetchSockets()
              .thenCompose(sockets -> sockets.stream().filter(s -> s.id().equals(a.get(0))).findFirst()
                  .map(s -> s.emit("poked", a.get(1)).thenApply(done -> "poked"))
                  .orElse(CompletableFuture.completedFuture("not found")))
              .whenComplete((answer, failure) -> ack.send(failure == null ? answer : "failed")));
          shout.on("ask", (client, a, ack) -> shout.to((String) a.get(0))
              .emitWithAck(Duration.ofMillis(((Number) a.get(1)).longValue()), "question", "which node?")
              .whenComplete((responses, failure) -> ack.send(Map.of("ok", failure == null,
                  "responses", failure == null ? responses
                      : failure instanceof AckTimeoutException t ? t.responses() : List.of()))));
          shout.on("quiz", (client, a, ack) -> shout.fetchSockets()
              .thenCompose(sockets -> sockets.stream().filter(s -> s.id().equals(a.get(0))).findFirst().orElseThrow()
                  .emitWithAck(Duration.ofMillis(((Number) a.get(1)).longValue()), "quiz", "what node?"))
              .whenComplete((answer, failure) -> ack.send(failure == null ? Map.of("ok", true, "answer", answer)
                  : Map.of("ok", false, "error", String.valueOf(failure)))));
          // Server-side events between the nodes: told to the others, never to this node.
          String node = cluster.nodeId();
          shout.onServerSideEmit("told", (a, ack) -> shout.to("listeners").emit("heard", node, a.get(0)));
          shout.onServerSideEmit("poll", (a, ack) -> ack.send(node, a.get(0)));
          shout.on("tell", (client, a, ack) -> shout.serverSideEmit("told", a.get(0))
              .whenComplete((done, failure) -> ack.send(failure == null ? "told" : "failed")));
          shout.on("poll", (client, a, ack) -> shout.serverSideEmitWithAck(
                  Duration.ofMillis(((Number) a.get(0)).longValue()), "poll", "which node?")
              .whenComplete((responses, failure) -> ack.send(Map.of("ok", failure == null,
                  "responses", failure == null ? responses
                      : failure instanceof AckTimeoutException t ? t.responses() : List.of()))));
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
