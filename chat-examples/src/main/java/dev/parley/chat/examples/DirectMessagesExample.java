package dev.parley.chat.examples;

import dev.parley.chat.netty.NettyChatServer;
import dev.parley.chat.netty.NettyConfig;
import dev.parley.chat.socketio.ConnectDecision;
import dev.parley.chat.socketio.Namespace;
import dev.parley.chat.socketio.SocketIoClient;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Direct messages between clients identified by a {@code CLIENT_ID} query parameter (the Socket.IO
 * + React seed). A connection without one is refused ({@code connect_error}). A client may have
 * several connections (tabs); each is in a room named after its id.
 *
 * <p>{@code message {message, type, receiverId, timestamp, id}}, with an acknowledgement, is stamped
 * with {@code type: "RECEIVED"}, {@code senderId}, a server {@code id} and a server {@code timestamp}
 * (milliseconds) and emitted on {@code message} to every connection of {@code receiverId}; the
 * sender's acknowledgement gets {@code {id, timestamp}}. A message for a client that is not
 * connected is kept in memory (the last {@value #MAX_PENDING} per receiver) and delivered when it
 * connects.
 *
 * <p>Shows: refusing connections from the handshake, rooms per user, acknowledgements.
 */
final class DirectMessagesExample {
  /** Undelivered messages kept per receiver; older ones are dropped. */
  static final int MAX_PENDING = 100;

  /** Guards the two maps below, so a message and a connecting receiver never miss each other. */
  private final Object lock = new Object();
  private final Map<String, Integer> connections = new HashMap<>();
  private final Map<String, Deque<Map<String, Object>>> pending = new HashMap<>();
  private volatile Namespace everyone;

  private DirectMessagesExample() {}

  static void run(int port) throws InterruptedException {
    start(port).awaitShutdown("Direct messages (connect with ?CLIENT_ID=..., event 'message') are running");
  }

  static Running start(int port) {
    DirectMessagesExample direct = new DirectMessagesExample();
    NettyChatServer server = NettyChatServer.builder(NettyConfig.builder().port(port).allowedOrigins(Set.of("*")).build())
        .onSocketIo(io -> (direct.everyone = io.of("/"))
            .onConnect(handshake -> handshake.query("CLIENT_ID").filter(id -> !id.isBlank()).isPresent()
                ? ConnectDecision.accept()
                : ConnectDecision.reject("CLIENT_ID is required"))
            .onConnection(direct::connected)
            .on("message", (client, args, ack) -> {
              if (args.isEmpty() || !(args.get(0) instanceof Map<?, ?> message) || message.get("receiverId") == null) {
                ack.send(Map.of("error", "A message needs a receiverId"));
                return;
              }
              Map<String, Object> stamped = direct.deliver(clientId(client), message);
              ack.send(Map.of("id", stamped.get("id"), "timestamp", stamped.get("timestamp")));
            })
            .onDisconnect((client, reason) -> direct.disconnected(clientId(client))))
        .build();
    server.start().toCompletableFuture().join();
    return new Running(server, null);
  }

  private static String clientId(SocketIoClient client) {
    return client.handshake().query("CLIENT_ID").orElseThrow();
  }

  private static String room(String clientId) {
    return "client:" + clientId;
  }

  private void connected(SocketIoClient client) {
    String id = clientId(client);
    client.join(room(id));
    List<Map<String, Object>> waiting;
    synchronized (lock) {
      connections.merge(id, 1, Integer::sum);
      Deque<Map<String, Object>> kept = pending.remove(id);
      waiting = kept == null ? List.of() : new ArrayList<>(kept);
      // Emitted under the lock so that nothing sent from now on overtakes what was kept.
      waiting.forEach(m -> client.emit("message", m));
    }
  }

  private void disconnected(String id) {
    synchronized (lock) {
      connections.computeIfPresent(id, (k, n) -> n == 1 ? null : n - 1);
    }
  }

  /** Stamps a message and sends it to the receiver's connections, or keeps it until it connects. */
  private Map<String, Object> deliver(String senderId, Map<?, ?> message) {
    Map<String, Object> stamped = new LinkedHashMap<>();
    message.forEach((k, v) -> stamped.put(String.valueOf(k), v));
    stamped.put("type", "RECEIVED");
    stamped.put("senderId", senderId);
    stamped.put("clientMessageId", message.get("id"));
    stamped.put("id", UUID.randomUUID().toString());
    stamped.put("timestamp", System.currentTimeMillis());
    String receiver = String.valueOf(message.get("receiverId"));
    synchronized (lock) {
      if (connections.containsKey(receiver)) {
        everyone.to(room(receiver)).emit("message", stamped); // every connection of the receiver
      } else {
        Deque<Map<String, Object>> kept = pending.computeIfAbsent(receiver, k -> new ArrayDeque<>());
        kept.addLast(stamped);
        if (kept.size() > MAX_PENDING) {
          kept.removeFirst();
        }
      }
    }
    return stamped;
  }
}
