package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatServer;
import dev.parley.chat.ConnectDecision;
import dev.parley.chat.socketio.RemoteSocket;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.WebSocket;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one connect decision on Socket.IO, with the Java socket.io client: the chat server's connect
 * hook refusing with data, a user namespace's hooks and middleware accepting as a user (what {@code
 * SocketIoClient.user()} and {@code RemoteSocket.user()} then tell), and an {@code acceptAs} by a
 * namespace hook of the chat namespace, which refuses the connect.
 */
class ConnectDecisionIT {
  private ChatServer chat;
  private NettyChatServer server;

  @BeforeEach
  void start() {
    chat = ChatServer.builder()
        .onConnect(h -> h.query("ban").isPresent()
            ? ConnectDecision.reject("You are banned", Map.of("until", "tomorrow"))
            : ConnectDecision.accept())
        .build();
    server = NettyChatServer.builder(NettyConfig.builder().host("127.0.0.1").port(0).build())
        .chat(chat)
        .onSocketIo(io -> {
          io.of("/").onConnect(h -> h.query("as").map(ConnectDecision::acceptAs).orElse(null));
          io.of("/users")
              .onConnect(h -> h.query("name").map(ConnectDecision::acceptAs).orElse(ConnectDecision.reject("Who are you?")))
              // A later acceptAs, here a middleware's, names the user instead.
              .use(socket -> socket.handshake().query("alias").map(ConnectDecision::acceptAs).orElse(null))
              .on("whoami", (client, args, ack) -> ack.send(client.user().orElse("nobody")))
              .on("everyone", (client, args, ack) -> io.of("/users").fetchSockets()
                  .thenAccept(sockets -> ack.send(sockets.stream().map(RemoteSocket::user)
                      .map(u -> u.orElse("nobody")).sorted().toList())));
        })
        .build()
        .start().toCompletableFuture().join();
  }

  @AfterEach
  void stop() {
    server.stop().toCompletableFuture().join();
    chat.close();
  }

  /** Connects to a namespace; completes with the socket, or fails with the connect_error's argument. */
  private CompletableFuture<Socket> connect(String namespace, String query) {
    IO.Options options = IO.Options.builder()
        .setTransports(new String[] {WebSocket.NAME})
        .setForceNew(true)
        .setReconnection(false)
        .setQuery(query)
        .build();
    Socket socket = IO.socket(URI.create("http://127.0.0.1:" + server.port() + namespace), options);
    CompletableFuture<Socket> connected = new CompletableFuture<>();
    socket.once(Socket.EVENT_CONNECT, args -> connected.complete(socket));
    socket.once(Socket.EVENT_CONNECT_ERROR, args -> {
      socket.close();
      connected.completeExceptionally(new Refused((JSONObject) args[0]));
    });
    socket.connect();
    return connected;
  }

  /** A connect_error's {@code err}: message and data. */
  private static final class Refused extends Exception {
    final JSONObject error;

    Refused(JSONObject error) {
      super(error.toString());
      this.error = error;
    }
  }

  private static JSONObject refusal(CompletableFuture<Socket> connect) throws Exception {
    try {
      Socket s = connect.get(10, TimeUnit.SECONDS);
      s.close();
      throw new AssertionError("connected, but should have been refused");
    } catch (java.util.concurrent.ExecutionException e) {
      return ((Refused) e.getCause()).error;
    }
  }

  private static Object ask(Socket socket, String event) throws Exception {
    CompletableFuture<Object> reply = new CompletableFuture<>();
    socket.emit(event, new Object[0], (Ack) args -> reply.complete(args[0]));
    return reply.get(10, TimeUnit.SECONDS);
  }

  @Test
  void theChatConnectHooksRefusalCarriesItsDataToTheClient() throws Exception {
    JSONObject error = refusal(connect("/", "ban=1"));

    assertThat(error.getString("message")).isEqualTo("You are banned");
    assertThat(error.getJSONObject("data").getString("until")).isEqualTo("tomorrow");
  }

  @Test
  void aUserNamespaceTellsTheUserItsConnectHooksAcceptedTheSocketAs() throws Exception {
    Socket alice = connect("/users", "name=alice").get(10, TimeUnit.SECONDS);
    Socket bob = connect("/users", "name=robert&alias=bob").get(10, TimeUnit.SECONDS);
    try {
      assertThat(ask(alice, "whoami")).isEqualTo("alice");
      assertThat(ask(bob, "whoami")).isEqualTo("bob");
      assertThat(ask(alice, "everyone").toString()).isEqualTo("[\"alice\",\"bob\"]");
      assertThat(refusal(connect("/users", "")).getString("message")).isEqualTo("Who are you?");
    } finally {
      alice.close();
      bob.close();
    }
  }

  @Test
  void aNamespaceHookOfTheChatNamespaceCannotNameTheChatUser() throws Exception {
    // The chat server's connect hook gives the chat identity; a second place could only disagree.
    assertThat(refusal(connect("/", "as=mallory")).getString("message")).isEqualTo("Server error");

    Socket plain = connect("/", "").get(10, TimeUnit.SECONDS);
    assertThat(plain.connected()).as("without acceptAs the same hook lets the client in").isTrue();
    plain.close();
  }
}
