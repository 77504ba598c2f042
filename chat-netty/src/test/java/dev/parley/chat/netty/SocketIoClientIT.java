package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatServer;
import dev.parley.chat.ConnectDecision;
import dev.parley.chat.ConnectionInfo;
import dev.parley.chat.ClearHistoryDecision;
import dev.parley.chat.Decision;
import dev.parley.chat.socketio.SocketIoConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs src/test/js with Node's test runner and the official socket.io-client (installed from the npm
 * registry into target/) against a server set up here: the chat on the main namespace, and an
 * {@code /echo} namespace with auth, acks both ways, rooms and binary, handlers of its own on the chat
 * namespace ({@code shout} emits to a chat room, {@code whoami} answers with the socket's chat
 * connection), {@code /more} with several handlers of one kind, connect and event middlewares, an
 * any-handler and broadcasts that collect acks, a clear-history hook that refuses rooms named {@code locked...}; and a second chat server for
 * connection state recovery (on by default), with offline messages and at most 20 messages recovered
 * per room.
 */
class SocketIoClientIT {

  @Test
  void theOfficialClientPassesEveryScenarioOnEveryTransport() throws Exception {
    Path js = NodeProject.install("src/test/js", "target/socketio-js", "socket.io-client");
    ChatServer chat = ChatServer.builder()
        .onConnect(h -> h.query("banned").isPresent() ? ConnectDecision.reject("You are banned")
            : h.auth().get("name") instanceof String name ? ConnectDecision.acceptAs(name)
            : ConnectDecision.accept())
        // Keeps the room joined last with the connection, where its Socket.IO socket's data() finds it.
        .onJoin(j -> {
          j.server().connectionData(j.connection().id()).orElseThrow().put("joined", j.room());
          return Decision.accept();
        })
        .onClearHistory(c -> c.room().startsWith("locked")
            ? ClearHistoryDecision.reject("LOCKED", "This room's history stays") : ClearHistoryDecision.accept())
        // Moderators are the users whose name starts with "mod".
        .onModerate(m -> m.user().startsWith("mod") ? Decision.accept()
            : Decision.reject("NOT_A_MODERATOR", "Only moderators moderate"))
        .build();
    // Pings often enough for the heartbeat scenario to end well within its deadline, with a timeout
    // a busy machine can keep (with 200 ms, a client sometimes missed a pong under load and lost its
    // session mid-scenario).
    NettyChatServer server = NettyChatServer.builder(NettyConfig.builder().host("127.0.0.1").port(0)
            .pingInterval(Duration.ofMillis(1000)).pingTimeout(Duration.ofMillis(800)).build())
        .chat(chat)
        .socketIo(SocketIoConfig.builder().connectTimeout(Duration.ofSeconds(2)).build())
        .onSocketIo(io -> {
          io.of("/")
            // Server code reaching a chat room's members, which are a Socket.IO room of the same name.
            .on("shout", (client, args, ack) -> io.of("/").to((String) args.get(0)).emit("shouted", args.get(1))
                .whenComplete((done, failure) -> ack.send(failure == null ? "sent" : "failed")))
            // The chat connection behind a socket, as the chat server knows it.
            .on("whoami", (client, args, ack) -> {
              ConnectionInfo info = client.chatConnection().orElseThrow();
              chat.sendSystem(info.id(), "hello " + info.user()).toCompletableFuture().join();
              Map<String, Object> who = new java.util.HashMap<>();
              who.put("id", info.id());
              who.put("user", info.user());
              who.put("joined", client.data().get("joined"));
              ack.send(who);
            });
          // Setup before the CONNECT answer: slow on purpose, so that a room joined after the answer
          // (in onConnection) would still be missing when the client acts on its connect.
          io.of("/setup")
              .onSetup(client -> {
                Thread.sleep(300);
                client.join("set-up");
                client.emit("during setup", "hello");
              })
              .on("to-set-up", (client, args, ack) -> io.of("/setup").to("set-up").emit("set-up says", args.get(0))
                  .whenComplete((done, failure) -> ack.send("sent")));
          // Several handlers of one kind, middlewares, any-handlers, broadcasts that collect acks,
          // and volatile emits.
          io.of("/more")
            .onConnect(h -> ConnectDecision.accept())
            .onConnect(h -> "no".equals(h.auth().get("second"))
                ? ConnectDecision.reject("second says no") : ConnectDecision.accept())
            .use(socket -> {
              socket.data().put("steps", "use1");
              return "deny".equals(socket.handshake().auth().get("mw"))
                  ? ConnectDecision.reject("Denied by middleware", Map.of("step", 1)) : null;
            })
            .onSetup(socket -> {
              socket.data().merge("steps", ",setup", (a, b) -> a + (String) b);
              // Events are told to the any-handler and checked from the first one on.
              socket.onAny((client, event, args, ack) -> client.emit("any", event, args.size()));
              socket.use((client, event, args) -> {
                if (event.startsWith("forbidden")) {
                  throw new IllegalArgumentException("event " + event + " is not allowed");
                }
              });
              socket.onError((s, e) -> s.emit("refused", e.getMessage()));
            })
            .use(socket -> {
              socket.data().merge("steps", ",use2", (a, b) -> a + (String) b);
              return "throw".equals(socket.handshake().auth().get("mw")) ? failing() : ConnectDecision.accept();
            })
            .onConnection(client -> client.join("first"))
            .onConnection(client -> client.join("second"))
            .on("steps", (client, args, ack) -> ack.send(Map.of("steps", client.data().get("steps"),
                "rooms", List.copyOf(new java.util.TreeSet<>(client.rooms())))))
            .on("twice", (client, args, ack) -> client.emit("first handler", args.get(0)))
            .on("twice", (client, args, ack) -> {
              client.emit("second handler", args.get(0));
              ack.send("second");
            })
            .on("twice", (client, args, ack) -> ack.send("third, not sent"))
            .on("forbidden", (client, args, ack) -> ack.send("should not run"))
            .on("off-any", (client, args, ack) -> {
              client.offAny();
              ack.send("off");
            })
            .on("join", (client, args, ack) -> {
              client.join((String) args.get(0));
              ack.send();
            })
            // Asks a room's sockets, and tells what came back within the timeout.
            .on("poll", (client, args, ack) -> io.of("/more").to((String) args.get(0))
                .emitWithAck(Duration.ofMillis(((Number) args.get(1)).longValue()), "question", "favourite colour?")
                .whenComplete((responses, failure) -> ack.send(failure == null
                    ? Map.of("ok", true, "responses", responses)
                    : Map.of("ok", false, "error", failure.getClass().getSimpleName(),
                        "responses", ((dev.parley.chat.socketio.AckTimeoutException) failure).responses()))));
          io.of("/echo")
            .onConnect(h -> "secret".equals(h.auth().get("token"))
                ? ConnectDecision.accept()
                : ConnectDecision.reject("Not authorized", Map.of("reason", "bad token")))
            .on("handshake", (client, args, ack) -> ack.send(Map.of(
                "auth", client.handshake().auth(), "query", client.handshake().query("q").orElse(""))))
            .on("echo", (client, args, ack) -> client.emit("echo", args.toArray()))
            .on("echo-ack", (client, args, ack) -> ack.send(args.toArray()))
            .on("join", (client, args, ack) -> {
              client.join((String) args.get(0));
              ack.send();
            })
            .on("leave", (client, args, ack) -> {
              client.leave((String) args.get(0));
              ack.send();
            })
            .on("rooms", (client, args, ack) -> ack.send(List.copyOf(new java.util.TreeSet<>(client.rooms()))))
            .on("to-room", (client, args, ack) -> client.to((String) args.get(0)).emit("room-message", args.get(1)))
            .on("ask-me", (client, args, ack) -> {
              List<Object> answer = client.emitWithAck(Duration.ofSeconds(5), "question", args.get(0))
                  .toCompletableFuture().get(5, TimeUnit.SECONDS);
              client.emit("answer-was", answer.toArray());
            })
            .on("ask-me-and-wait", (client, args, ack) -> client
                .emitWithAck(Duration.ofMillis(200), "ignored-question")
                .whenComplete((answer, error) -> client.emit("ack-timed-out", error != null)))
            .on("kick-me", (client, args, ack) -> client.disconnect())
            // A volatile emit to an idle client; or 50 in a row behind 600 kB being written.
            .on("volatile", (client, args, ack) -> {
              if ("queued".equals(args.get(0))) {
                byte[] big = new byte[300_000];
                client.emit("big", big);
                client.emit("big", big);
                for (int i = 0; i < 50; i++) {
                  client.emitVolatile("v", i);
                }
              } else {
                client.emitVolatile("v", args.get(0));
              }
              client.emit("v-done");
            })
            // Server-side operations on a room's sockets, acknowledged once done.
            .on("gather", (client, args, ack) -> io.of("/echo").to((String) args.get(0))
                .socketsJoin((String) args.get(1)).whenComplete((done, failure) -> ack.send("done")))
            .on("scatter", (client, args, ack) -> io.of("/echo").to((String) args.get(0))
                .socketsLeave((String) args.get(1)).whenComplete((done, failure) -> ack.send("done")))
            .on("kick-room", (client, args, ack) -> io.of("/echo").to((String) args.get(0))
                .disconnectSockets().whenComplete((done, failure) -> ack.send("done")));
        })
        .build()
        .start().toCompletableFuture().join();
    // Recovery on a server of its own: offline messages on, few messages recoverable, and the
    // default heartbeat, so that only the drops a test makes happen.
    ChatServer recoveryChat = ChatServer.builder()
        .config(ChatConfig.builder().maxRecoveredMessages(20).offlineMessages(true).build()) // MAX_RECOVERED
        .build();
    NettyChatServer recovery = NettyChatServer.builder(NettyConfig.builder().host("127.0.0.1").port(0).build())
        .chat(recoveryChat)
        .onSocketIo(io -> io.of("/").on("shout", (client, args, ack) -> io.of("/").to((String) args.get(0))
            .emit("shouted", args.get(1)).whenComplete((done, failure) -> ack.send("sent"))))
        .build()
        .start().toCompletableFuture().join();
    try {
      NodeProject.runTests(js, "socketio.test.mjs", Map.of(
          "PARLEY_URL", "http://127.0.0.1:" + server.port(),
          "PARLEY_RECOVERY_URL", "http://127.0.0.1:" + recovery.port()));
    } finally {
      server.stop().toCompletableFuture().join();
      chat.close();
      recovery.stop().toCompletableFuture().join();
      recoveryChat.close();
    }
  }

  /** A connect middleware's bug: refuses the client with a generic message. */
  private static ConnectDecision failing() {
    throw new IllegalStateException("a bug in the middleware");
  }
}
