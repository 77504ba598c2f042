package dev.parley.chat.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatServer;
import dev.parley.chat.netty.NettyChatServer;
import dev.parley.chat.spring.boot.example.ChatApplication;
import io.micrometer.core.instrument.MeterRegistry;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.WebSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * docs/spring-boot.md's example application, run as a real Spring Boot application with Actuator
 * on Tomcat: a JSON client and a Socket.IO client chat through its hook beans, Micrometer counts
 * their connections, and closing the application closes the clients, closes the chat server and
 * releases the port. ActuatorHealthIT checks the health endpoint.
 */
class SpringBootApplicationIT {

  /** The example application on loopback addresses and free ports, Actuator's health endpoint exposed. */
  static ConfigurableApplicationContext run() {
    return new SpringApplicationBuilder(ChatApplication.class)
        .properties(
            "parley.netty.host=127.0.0.1",
            "parley.netty.port=0",
            "server.address=127.0.0.1",
            "server.port=0",
            "management.endpoints.web.exposure.include=health",
            "management.endpoint.health.show-details=always",
            "spring.main.banner-mode=off")
        .run();
  }

  @Test
  void servesBothProtocolsThroughTheHookBeansReportsHealthAndMetricsAndStopsCleanly() throws Exception {
    ConfigurableApplicationContext app = run();
    int port;
    JsonClient alice;
    Socket bob;
    try {
      NettyChatServer server = app.getBean(NettyChatServer.class);
      port = server.port();
      assertThat(port).isPositive();

      alice = new JsonClient(port);
      alice.next("welcome");
      alice.send("{\"type\":\"join\",\"room\":\"lobby\",\"username\":\"alice\"}");
      // The JoinHook bean's greeting, queued before the reply to the join.
      assertThat(alice.nextText()).isEqualTo("Welcome to lobby, alice");
      alice.next("joined");

      BlockingQueue<JSONObject> bobMessages = new LinkedBlockingQueue<>();
      bob = IO.socket(URI.create("http://127.0.0.1:" + port),
          IO.Options.builder().setTransports(new String[] {WebSocket.NAME}).setForceNew(true).setReconnection(false).build());
      bob.on("new message", args -> bobMessages.add((JSONObject) args[0]));
      CompletableFuture<Object> joined = new CompletableFuture<>();
      bob.connect();
      bob.emit("join room", new Object[] {new JSONObject().put("roomname", "lobby").put("username", "bob")},
          (Ack) args -> joined.complete(args[0]));
      assertThat(((JSONObject) joined.get(10, TimeUnit.SECONDS)).getJSONArray("members").toString())
          .isEqualTo("[\"alice\",\"bob\"]");
      assertThat(nextMessage(bobMessages)).isEqualTo("Welcome to lobby, bob");
      assertThat(alice.nextText()).isEqualTo("bob has joined");

      // The MessageHook bean rewrites what each protocol sends, for the other.
      alice.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"darn it\"}");
      assertThat(nextMessage(bobMessages)).isEqualTo("d**n it");
      bob.emit("new message", new JSONObject().put("room", "lobby").put("message", "darn again"));
      assertThat(alice.nextText()).isEqualTo("d**n again");

      // Micrometer, through the Actuator's registry.
      MeterRegistry registry = app.getBean(MeterRegistry.class);
      await(() -> registry.get("parley.connections").tag("protocol", "json").gauge().value() == 1.0
          && registry.get("parley.connections").tag("protocol", "socketio").gauge().value() == 1.0);
      assertThat(registry.get("parley.messages.received").tag("kind", "room").counter().count()).isEqualTo(2.0);
    } catch (Throwable t) {
      app.close();
      throw t;
    }

    ChatServer chat = app.getBean(ChatServer.class);
    app.close();

    assertThat(alice.awaitClose()).as("the JSON client's close code").isEqualTo(1001);
    assertThat(chat.health().components().get("server").isUp()).as("the chat server is closed").isFalse();
    try (ServerSocket again = new ServerSocket()) {
      again.setReuseAddress(true);
      again.bind(new InetSocketAddress("127.0.0.1", port));
    }
    alice.close();
    bob.close();
  }

  private static String nextMessage(BlockingQueue<JSONObject> messages) throws Exception {
    JSONObject m = messages.poll(10, TimeUnit.SECONDS);
    assertThat(m).as("a message within 10 s").isNotNull();
    return m.getString("message");
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s");
      }
      Thread.sleep(20);
    }
  }
}
