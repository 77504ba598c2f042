package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.parley.chat.ChatConfig;
import dev.parley.chat.ConnectDecision;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.spi.CloseCodes;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.WebSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Connect hooks that block: they are refused at their deadline, and they do not stall anyone else. */
class BlockingHooksIT {
  /** Generous for a busy machine; the blocked hooks are released only after it. */
  private static final long AWAIT_SECONDS = 30;

  private final CountDownLatch release = new CountDownLatch(1);
  private final Semaphore entered = new Semaphore(0);
  private TestServer server;

  @AfterEach
  void stop() {
    release.countDown();
    if (server != null) {
      server.close();
    }
  }

  /** A server whose connect hook blocks, until the test ends, for clients that ask with ?block. */
  private TestServer start(Duration hookTimeout) {
    return new TestServer(b -> b
        .config(ChatConfig.builder().hookTimeout(hookTimeout).build())
        .onConnect(h -> {
          if (h.query("block").isPresent()) {
            entered.release();
            release.await();
          }
          return ConnectDecision.accept();
        }), n -> {});
  }

  private URI blocking() {
    return URI.create("ws://127.0.0.1:" + server.port() + "/chat?block=1");
  }

  @Test
  void blockedConnectHooksDoNotStallAnotherClientsRequests() throws Exception {
    server = start(Duration.ofMinutes(5)); // the deadline must not be what frees the other client
    int pool = Math.max(4, 2 * Runtime.getRuntime().availableProcessors()); // the old fixed pool
    List<WsClient> blocked = new ArrayList<>();
    try {
      for (int i = 0; i < pool + 2; i++) {
        blocked.add(WsClient.connect(blocking()));
      }
      assertThat(entered.tryAcquire(pool, AWAIT_SECONDS, TimeUnit.SECONDS)).as("hooks blocked").isTrue();

      CompletableFuture<JsonObject> ack = CompletableFuture.supplyAsync(() -> {
        try (WsClient bob = WsClient.joined(server.port(), "lobby", "bob")) {
          bob.send("{\"type\":\"message\",\"id\":\"m1\",\"room\":\"lobby\",\"text\":\"anyone?\"}");
          return bob.next("ack");
        }
      });

      JsonObject acked = ack.get(AWAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(acked.get("id").getAsString()).isEqualTo("m1");
    } finally {
      blocked.forEach(WsClient::close);
    }
  }

  @Test
  void aConnectHookPastItsDeadlineGetsHookTimeoutThenClose1008() {
    server = start(Duration.ofMillis(200));
    try (WsClient refused = WsClient.connect(blocking())) {
      JsonObject error = refused.nextError(ErrorCodes.HOOK_TIMEOUT);
      assertThat(error.get("message").getAsString()).isEqualTo("The server did not decide about the connection in time");
      assertThat(refused.awaitClose()).isEqualTo(CloseCodes.POLICY_VIOLATION);
    }
  }

  @Test
  void aSocketIoClientWhoseConnectHookMissesItsDeadlineGetsConnectErrorWithTheCode() throws Exception {
    server = start(Duration.ofMillis(200));
    IO.Options options = IO.Options.builder()
        .setTransports(new String[] {WebSocket.NAME})
        .setForceNew(true)
        .setReconnection(false)
        .setQuery("block=1")
        .build();
    Socket socket = IO.socket(URI.create("http://127.0.0.1:" + server.port()), options);
    CompletableFuture<Object> refusal = new CompletableFuture<>();
    socket.once(Socket.EVENT_CONNECT, args -> refusal.completeExceptionally(new AssertionError("connected")));
    socket.once(Socket.EVENT_CONNECT_ERROR, args -> refusal.complete(args[0]));
    try {
      socket.connect();
      JSONObject error = (JSONObject) refusal.get(AWAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(error.getString("message")).isEqualTo("The server did not decide about the connection in time");
      assertThat(error.getJSONObject("data").getString("code")).isEqualTo(ErrorCodes.HOOK_TIMEOUT);
    } finally {
      socket.close();
    }
  }
}
