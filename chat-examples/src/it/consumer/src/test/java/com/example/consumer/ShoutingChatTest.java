package com.example.consumer;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The application's server over real sockets: two clients on the JDK's WebSocket client speak
 * Parley's JSON protocol to it, and one receives the other's message as the hook rewrote it.
 */
class ShoutingChatTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void aRoomMessageReachesTheOtherClientRewrittenByTheHook() {
    try (ShoutingChat chat = ShoutingChat.start(0);
         Client alice = Client.connect(chat.port());
         Client bob = Client.connect(chat.port())) {
      alice.await(frame -> frame.contains("\"type\":\"welcome\""));
      bob.await(frame -> frame.contains("\"type\":\"welcome\""));

      alice.send("{\"type\":\"join\",\"room\":\"lobby\",\"username\":\"alice\"}");
      alice.await(frame -> frame.contains("\"type\":\"joined\""));
      bob.send("{\"type\":\"join\",\"room\":\"lobby\",\"username\":\"bob\"}");
      bob.await(frame -> frame.contains("\"type\":\"joined\""));

      alice.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"hi bob\"}");

      String message = bob.await(frame -> frame.contains("\"type\":\"message\"") && frame.contains("\"sender\":\"alice\""));
      assertTrue(message.contains("\"text\":\"[shout] HI BOB\""), "not rewritten by the hook: " + message);
    }
  }

  /** A minimal client: sends text frames and queues the frames it receives. */
  static final class Client implements WebSocket.Listener, AutoCloseable {
    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    static Client connect(int port) {
      Client client = new Client();
      client.socket = HttpClient.newHttpClient().newWebSocketBuilder()
          .connectTimeout(TIMEOUT)
          .buildAsync(URI.create("ws://127.0.0.1:" + port + "/chat"), client)
          .orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
          .join();
      return client;
    }

    void send(String json) {
      socket.sendText(json, true).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** Skips frames until one matches; fails if none does in time. */
    String await(Predicate<String> wanted) {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      try {
        for (;;) {
          String frame = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
          if (frame == null) {
            return fail("no matching frame within " + TIMEOUT);
          }
          if (wanted.test(frame)) {
            return frame;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return fail(e);
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        frames.add(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public void close() {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
      socket.abort();
    }
  }
}
