package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatServer;
import dev.parley.chat.socketio.RemoteSocket;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.Polling;
import io.socket.engineio.client.transports.WebSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A full chat with the Java socket.io client (io.socket:socket.io-client), over each transport: the
 * rooms seed's events, members, data, an unknown event's answer, and server code emitting to a chat
 * room; and on the chat namespace, an event middleware, an any-handler, a broadcast collecting acks
 * and fetchSockets.
 */
class JavaSocketIoClientIT {
  private ChatServer chat;
  private NettyChatServer server;

  @BeforeEach
  void start() {
    chat = ChatServer.builder().build();
    server = NettyChatServer.create(chat, NettyConfig.builder().host("127.0.0.1").port(0).build())
        .start().toCompletableFuture().join();
  }

  @AfterEach
  void stop() {
    server.stop().toCompletableFuture().join();
    chat.close();
  }

  /** A connected Java client that records every "new message" and "presence" payload. */
  private final class Client implements AutoCloseable {
    final Socket socket;
    final BlockingQueue<JSONObject> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<JSONObject> presence = new LinkedBlockingQueue<>();

    Client(String transport) throws Exception {
      IO.Options options = IO.Options.builder()
          .setTransports(new String[] {transport})
          .setForceNew(true)
          .setReconnection(false)
          .build();
      socket = IO.socket(URI.create("http://127.0.0.1:" + server.port()), options);
      socket.on("new message", args -> messages.add((JSONObject) args[0]));
      socket.on("presence", args -> presence.add((JSONObject) args[0]));
      CompletableFuture<Void> connected = new CompletableFuture<>();
      socket.once(Socket.EVENT_CONNECT, args -> connected.complete(null));
      socket.once(Socket.EVENT_CONNECT_ERROR, args -> connected.completeExceptionally(new AssertionError(args[0])));
      socket.connect();
      connected.get(10, TimeUnit.SECONDS);
    }

    JSONObject emitWithAck(String event, Object arg) throws Exception {
      CompletableFuture<Object> reply = new CompletableFuture<>();
      socket.emit(event, new Object[] {arg}, (Ack) args -> reply.complete(args.length > 0 ? args[0] : null));
      return (JSONObject) reply.get(10, TimeUnit.SECONDS);
    }

    JSONObject nextMessage() throws InterruptedException {
      JSONObject m = messages.poll(10, TimeUnit.SECONDS);
      assertThat(m).as("a message within 10 s").isNotNull();
      return m;
    }

    @Override
    public void close() {
      socket.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {WebSocket.NAME, Polling.NAME})
  void theChatNamespaceTakesMiddlewaresAnyHandlersBroadcastAcksAndFetchSockets(String transport) throws Exception {
    BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    server.socketIo().of("/").onSetup(client -> {
      client.onAny((socket, event, args, ack) -> seen.add(event));
      client.use((socket, event, args) -> {
        if (event.equals("members")) {
          throw new IllegalStateException("no member lists here");
        }
      });
      client.onError((socket, e) -> socket.emit("refused", e.getMessage()));
    });
    try (Client alice = new Client(transport); Client bob = new Client(transport)) {
      CompletableFuture<Object> refused = new CompletableFuture<>();
      alice.socket.on("refused", args -> refused.complete(args[0]));
      alice.emitWithAck("join room", new JSONObject().put("roomname", "hall").put("username", "alice"));
      bob.emitWithAck("join room", new JSONObject().put("roomname", "hall").put("username", "bob"));
      alice.socket.emit("members", "hall");
      assertThat(refused.get(10, TimeUnit.SECONDS)).isEqualTo("no member lists here");
      assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("join room");
      assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("join room");
      // A chat request still goes through, behind the middleware, on the worker pool.
      assertThat(alice.emitWithAck("new message", "after the refusal").getString("message")).isEqualTo("after the refusal");

      for (Client c : List.of(alice, bob)) {
        c.socket.on("ready?", args -> ((Ack) args[args.length - 1]).call(c == alice ? "alice ready" : "bob ready"));
      }
      List<List<Object>> responses = server.socketIo().of("/").to("hall")
          .emitWithAck(Duration.ofSeconds(5), "ready?").toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(responses).extracting(r -> r.get(0)).containsExactlyInAnyOrder("alice ready", "bob ready");

      List<RemoteSocket> sockets = server.socketIo().of("/").to("hall").fetchSockets()
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(sockets).extracting(RemoteSocket::id).containsExactlyInAnyOrder(alice.socket.id(), bob.socket.id());
      assertThat(sockets).allSatisfy(s -> assertThat(s.rooms()).contains("hall", s.id()));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {WebSocket.NAME, Polling.NAME})
  void aWholeChatWithTheJavaClient(String transport) throws Exception {
    try (Client alice = new Client(transport); Client bob = new Client(transport)) {
      JSONObject joined = alice.emitWithAck("join room", new JSONObject().put("roomname", "lobby").put("username", "alice"));
      assertThat(joined.getJSONArray("members").toString()).isEqualTo("[\"alice\"]");
      bob.emitWithAck("join room", new JSONObject().put("roomname", "lobby").put("username", "bob"));
      assertThat(alice.presence.poll(10, TimeUnit.SECONDS).getString("username")).isEqualTo("bob");
      assertThat(alice.nextMessage().getString("message")).isEqualTo("bob has joined");

      JSONObject ack = alice.emitWithAck("new message", "hi bob");
      JSONObject received = bob.nextMessage();
      assertThat(received.getString("username")).isEqualTo("alice");
      assertThat(received.getString("type")).isEqualTo("generic");
      assertThat(received.getString("message")).isEqualTo("hi bob");
      assertThat(received.getString("id")).isEqualTo(ack.getString("id"));

      bob.emitWithAck("new pm", "@alice psst");
      JSONObject pm = alice.nextMessage();
      assertThat(pm.getString("type")).isEqualTo("private");
      assertThat(pm.getString("target")).isEqualTo("alice");

      JSONObject error = alice.emitWithAck("new pm", "@nobody hello");
      assertThat(error.getBoolean("error")).isTrue();
      assertThat(error.getString("code")).isEqualTo("UNKNOWN_USER");

      JSONObject members = alice.emitWithAck("members", "lobby");
      assertThat(members.getJSONArray("members").toString()).isEqualTo("[\"alice\",\"bob\"]");
      JSONObject withData = alice.emitWithAck("new message",
          new JSONObject().put("room", "lobby").put("message", "with data").put("data", new JSONObject().put("k", 1)));
      assertThat(withData.getJSONObject("data").getInt("k")).isEqualTo(1);
      assertThat(bob.nextMessage().getJSONObject("data").getInt("k")).isEqualTo(1);
      assertThat(alice.emitWithAck("no such event", 1).getString("code")).isEqualTo("UNKNOWN_TYPE");

      // The chat room is a Socket.IO room that server code emits to.
      CompletableFuture<Object> tick = new CompletableFuture<>();
      bob.socket.on("tick", args -> tick.complete(args[0]));
      server.socketIo().of("/").to("lobby").emit("tick", 7).toCompletableFuture().join();
      assertThat(tick.get(10, TimeUnit.SECONDS)).isEqualTo(7);

      bob.close();
      JSONObject left = alice.nextMessage();
      assertThat(left.getString("message")).isEqualTo("bob has left");
      assertThat(left.getString("type")).isEqualTo("notice");
      assertThat(chat.members("lobby")).containsExactly("alice");
    }
  }
}
