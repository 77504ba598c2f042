package dev.parley.chat.examples;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.ChatServer;
import dev.parley.chat.ConnectDecision;
import dev.parley.chat.Handshake;
import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.netty.NettyChatServer;
import dev.parley.chat.socketio.Ack;
import dev.parley.chat.socketio.SocketIoClient;
import dev.parley.chat.spi.ClientConnection;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ClientSession;
import dev.parley.chat.spi.ServerEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Direct messages between clients identified by a {@code CLIENT_ID} query parameter (the Socket.IO
 * + React seed). A connection without one is refused ({@code connect_error}). A client may have
 * several connections (tabs); each gets every message.
 *
 * <p>{@code message {message, type, receiverId, timestamp, id}}, with an acknowledgement, is stamped
 * with {@code type: "RECEIVED"}, {@code senderId}, a server {@code id} and a server {@code timestamp}
 * (milliseconds) and emitted on {@code message} to every connection of {@code receiverId}; the
 * sender's acknowledgement gets {@code {id, timestamp}}.
 *
 * <p>The chat core does the work: each Socket.IO connection is a {@link ChatServer} connection whose
 * identity is its {@code CLIENT_ID}, and a message is a private message. With {@link
 * ChatConfig#offlineMessages()} on, a message for a client that is not connected is kept in the
 * history store (in the embedded database, with the example's default store, so it survives a
 * restart) and delivered when it connects.
 *
 * <p>Shows: refusing connections from the handshake, the chat core behind events of your own through
 * the transport SPI, offline messages.
 */
final class DirectMessagesExample {
  private final ChatServer chat;
  /** The chat side of each Socket.IO client, by socket id. */
  private final Map<String, Connection> connections = new ConcurrentHashMap<>();
  /** Chat sessions opened by the connect hook, until their socket exists; by handshake identity. */
  private final Map<Handshake, Connection> opening = Collections.synchronizedMap(new IdentityHashMap<>());
  private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);

  private DirectMessagesExample(ChatServer chat) {
    this.chat = chat;
  }

  static void run(Listen listen, HistoryStore store) throws InterruptedException {
    start(listen, store).awaitShutdown("Direct messages (connect with ?CLIENT_ID=..., event 'message') are running");
  }

  static Running start(Listen listen, HistoryStore store) {
    ChatServer chat = ChatServer.builder()
        .historyStore(store)
        .config(ChatConfig.builder().offlineMessages(true).build())
        // The CLIENT_ID is the identity; several connections (tabs) may share it.
        .onConnect(handshake -> ConnectDecision.acceptAs(handshake.query("CLIENT_ID").orElseThrow()))
        .build();
    DirectMessagesExample direct = new DirectMessagesExample(chat);
    NettyChatServer server = NettyChatServer.builder(listen.config().allowedOrigins(Set.of("*")).build())
        .onSocketIo(io -> io.of("/")
            .onConnect(handshake -> handshake.query("CLIENT_ID").filter(id -> !id.isBlank()).isEmpty()
                ? ConnectDecision.reject("CLIENT_ID is required")
                : direct.open(handshake))
            .onConnection(direct::connected)
            .on("message", (client, args, ack) -> direct.message(client, args, ack))
            .onDisconnect((client, reason) -> direct.disconnected(client)))
        .build();
    server.start().toCompletableFuture().join();
    return new Running(server, chat);
  }

  /**
   * Runs before the client learns that it is connected (the connect hook may block): the chat
   * session is open and counted among the user's connections by then, so a message sent to this
   * user once the client is connected reaches this connection too.
   */
  private ConnectDecision open(Handshake handshake) {
    Connection connection = new Connection(handshake);
    connection.session = chat.open(connection);
    try {
      if (!connection.decided.await(OPEN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        connection.session.closed();
        return ConnectDecision.reject("The chat did not answer in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      connection.session.closed();
      return ConnectDecision.reject("Server shutting down");
    }
    if (connection.refusal != null) {
      return ConnectDecision.reject(connection.refusal); // an invalid username, say
    }
    opening.put(handshake, connection);
    // A client that goes away before its socket exists never reaches onConnection.
    CompletableFuture.delayedExecutor(OPEN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
      if (opening.remove(handshake, connection)) {
        connection.session.closed();
      }
    });
    return ConnectDecision.accept();
  }

  private void connected(SocketIoClient client) {
    Connection connection = opening.remove(client.handshake());
    if (connection == null) {
      client.disconnect(); // too late: its chat session was closed
      return;
    }
    connections.put(client.id(), connection);
    connection.attach(client);
  }

  private void message(SocketIoClient client, List<Object> args, Ack ack) {
    Connection connection = connections.get(client.id());
    if (connection != null) {
      connection.send(args, ack);
    }
  }

  private void disconnected(SocketIoClient client) {
    Connection connection = connections.remove(client.id());
    if (connection != null) {
      connection.session.closed();
    }
  }

  /** One Socket.IO client as a chat connection: chat events become the seed's events. */
  private final class Connection implements ClientConnection {
    private final Handshake handshake;
    private final AtomicLong requestIds = new AtomicLong();
    /** Acknowledgements waiting for the chat's answer, by request id. */
    private final Map<String, Ack> acks = new ConcurrentHashMap<>();
    /** Counted down when the chat welcomes the connection or refuses it. */
    final CountDownLatch decided = new CountDownLatch(1);
    /** Why the chat refused the connection; null if it did not. */
    volatile String refusal;
    volatile ClientSession session;
    /** Null until the socket exists; what arrives before waits in {@link #early}. Guarded by this. */
    private SocketIoClient client;
    private List<Map<String, Object>> early = new ArrayList<>();
    private boolean closeEarly;

    Connection(Handshake socketIo) {
      this.handshake = new Handshake(socketIo.remoteAddress(), socketIo.path(),
          Map.of("CLIENT_ID", List.of(socketIo.query("CLIENT_ID").orElseThrow())), Map.of());
    }

    /** The socket exists: what arrived for it meanwhile goes out first. */
    synchronized void attach(SocketIoClient socket) {
      client = socket;
      early.forEach(m -> socket.emit("message", m));
      early = null;
      if (closeEarly) {
        socket.disconnect();
      }
    }

    private synchronized void emit(Map<String, Object> message) {
      if (client == null) {
        early.add(message);
      } else {
        client.emit("message", message);
      }
    }

    void send(List<Object> args, Ack ack) {
      if (args.isEmpty() || !(args.get(0) instanceof Map<?, ?> message) || message.get("receiverId") == null) {
        ack.send(Map.of("error", "A message needs a receiverId"));
        return;
      }
      // What the seed's client put in the message travels with it, under the chat's own fields.
      Map<String, Object> extra = new LinkedHashMap<>();
      message.forEach((k, v) -> extra.put(String.valueOf(k), v));
      extra.put("clientMessageId", extra.remove("id"));
      Object text = extra.remove("message");
      String requestId = Long.toString(requestIds.incrementAndGet());
      acks.put(requestId, ack);
      session.receive(new ClientRequest.SendPrivate(
          requestId, String.valueOf(message.get("receiverId")), text == null ? "" : String.valueOf(text), extra));
    }

    @Override
    public Handshake handshake() {
      return handshake;
    }

    @Override
    public boolean send(ServerEvent event) {
      if (event instanceof ServerEvent.Welcome) {
        decided.countDown();
      } else if (event instanceof ServerEvent.Error e && e.requestId() == null && decided.getCount() > 0) {
        refusal = e.message();
      } else if (event instanceof ServerEvent.Message m) {
        emit(stamped(m.message()));
      } else if (event instanceof ServerEvent.Ack a && a.requestId() != null) {
        reply(a.requestId(), Map.of("id", a.message().id(), "timestamp", a.message().time().toEpochMilli()));
      } else if (event instanceof ServerEvent.Error e && e.requestId() != null) {
        reply(e.requestId(), Map.of("error", e.message(), "code", e.code()));
      }
      return true;
    }

    private void reply(String requestId, Map<String, Object> payload) {
      Ack ack = acks.remove(requestId);
      if (ack != null) {
        ack.send(payload);
      }
    }

    @Override
    public synchronized void close(int code, String reason) {
      if (decided.getCount() > 0) {
        refusal = refusal != null ? refusal : reason; // refused before any welcome
        decided.countDown();
      } else if (client == null) {
        closeEarly = true;
      } else {
        client.disconnect();
      }
    }
  }

  /** The seed's received message: what the sender wrote, stamped by the server. */
  private static Map<String, Object> stamped(ChatMessage m) {
    Map<String, Object> out = new LinkedHashMap<>(m.data());
    out.put("message", m.text());
    out.put("type", "RECEIVED");
    out.put("senderId", m.sender());
    out.put("receiverId", m.recipient());
    out.put("id", m.id());
    out.put("timestamp", m.time().toEpochMilli());
    return out;
  }
}
