package dev.parley.chat.testkit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A client of the JSON protocol over a real WebSocket, for tests of a server on sockets (a {@code
 * NettyChatServer}): on the JDK's own client ({@code java.net.http}), it sends text frames and
 * keeps every text frame it receives, whole and in order, as its JSON text, for the test to take;
 * parse them with the JSON library of your choice, or match them as text.
 *
 * <pre>{@code
 * try (JsonWebSocketClient alice = JsonWebSocketClient.connect(URI.create("ws://127.0.0.1:" + port + "/chat"))) {
 *   alice.await(f -> f.contains("\"type\":\"welcome\""));
 *   alice.send("{\"type\":\"join\",\"room\":\"lobby\",\"username\":\"alice\"}");
 *   String joined = alice.await(f -> f.contains("\"type\":\"joined\""));
 * }
 * }</pre>
 *
 * <p>Every wait is bounded by the client's timeout ({@link #DEFAULT_TIMEOUT} unless given) and fails
 * with an {@link AssertionError} when it runs out. Frames arrive on the JDK client's thread; take
 * them from one test thread. {@link #close()} ends the connection; the client cannot reconnect.
 */
public final class JsonWebSocketClient implements AutoCloseable {
  /** How long connecting, sending and each wait for a frame or the close take at most by default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Duration timeout;
  private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private final AtomicInteger pings = new AtomicInteger();
  private volatile String closeReason;
  private final WebSocket ws;

  private JsonWebSocketClient(HttpClient http, URI uri, Duration timeout) {
    this.timeout = timeout;
    try {
      this.ws = http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(uri, new Listener())
          .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
    } catch (CompletionException e) {
      throw new AssertionError("could not connect to " + uri + ": " + e.getCause(), e.getCause());
    }
  }

  /**
   * Connects, waiting up to {@link #DEFAULT_TIMEOUT}.
   *
   * @param uri the endpoint, for example {@code ws://127.0.0.1:8080/chat}
   * @return the connected client; the server's welcome is its first frame
   * @throws AssertionError if the connection could not be made in time
   */
  public static JsonWebSocketClient connect(URI uri) {
    return connect(uri, DEFAULT_TIMEOUT);
  }

  /**
   * Connects, waiting up to {@code timeout}, which also bounds this client's later waits.
   *
   * @param uri the endpoint
   * @param timeout the longest wait
   * @return the connected client
   * @throws AssertionError if the connection could not be made in time
   */
  public static JsonWebSocketClient connect(URI uri, Duration timeout) {
    return new JsonWebSocketClient(HTTP, uri, timeout);
  }

  /**
   * Connects through an HTTP client of the test's own, for example one whose {@code SSLContext}
   * trusts a test certificate, for a {@code wss://} endpoint.
   *
   * @param http the client that opens the WebSocket
   * @param uri the endpoint, for example {@code wss://127.0.0.1:8443/chat}
   * @param timeout the longest wait
   * @return the connected client
   * @throws AssertionError if the connection could not be made in time
   */
  public static JsonWebSocketClient connect(HttpClient http, URI uri, Duration timeout) {
    return new JsonWebSocketClient(http, uri, timeout);
  }

  /**
   * Sends one text frame and waits until it is handed to the socket.
   *
   * @param json the frame's text
   * @return this client
   */
  public JsonWebSocketClient send(String json) {
    await(ws.sendText(json, true), "sending a frame");
    return this;
  }

  /**
   * Sends one binary frame (which the JSON protocol refuses) and waits until it is handed to the
   * socket.
   *
   * @param bytes the frame's payload
   */
  public void sendBinary(byte[] bytes) {
    await(ws.sendBinary(ByteBuffer.wrap(bytes), true), "sending a binary frame");
  }

  /**
   * Takes the next frame.
   *
   * @return its text
   * @throws AssertionError if none arrives in time (the message says if the connection has closed)
   */
  public String next() {
    String frame = poll(timeout);
    if (frame == null) {
      throw new AssertionError("no frame within " + timeout + (closeCode.isDone() ? "; closed with " + closeCode.join() : ""));
    }
    return frame;
  }

  /**
   * Takes the next frame if one arrives within {@code wait}.
   *
   * @param wait how long to wait
   * @return its text, or {@code null} if none arrived in time
   */
  public String poll(Duration wait) {
    try {
      return frames.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * Takes frames until one matches, passing over the others.
   *
   * @param wanted what the frame's text must satisfy
   * @return the first frame that does
   * @throws AssertionError if none does within the timeout
   */
  public String await(Predicate<String> wanted) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (;;) {
      String frame = poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      if (frame == null) {
        throw new AssertionError("no matching frame within " + timeout + (closeCode.isDone() ? "; closed with " + closeCode.join() : ""));
      }
      if (wanted.test(frame)) {
        return frame;
      }
    }
  }

  /**
   * Waits until the connection has ended and takes every frame received before it ended.
   *
   * @return the frames not taken yet, in order
   * @throws AssertionError if the connection does not end within the timeout
   */
  public List<String> framesUntilClosed() {
    awaitClose();
    List<String> rest = new ArrayList<>();
    frames.drainTo(rest);
    return rest;
  }

  /**
   * Waits until the connection has ended.
   *
   * @return the close code the server sent, or 1006 if the connection ended without a close frame
   * @throws AssertionError if it does not end within the timeout
   */
  public int awaitClose() {
    return awaitClose(timeout);
  }

  /**
   * Waits until the connection has ended, for at most {@code wait}.
   *
   * @param wait how long to wait
   * @return the close code the server sent, or 1006 if the connection ended without a close frame
   * @throws AssertionError if it does not end in time
   */
  public int awaitClose(Duration wait) {
    return await(closeCode, wait, "the connection to close");
  }

  /** The close reason the server sent, or {@code null} before the close or if it sent none. */
  public String closeReason() {
    return closeReason;
  }

  /** Whether the connection is still open: no close received, no failure. */
  public boolean isOpen() {
    return !closeCode.isDone() && !ws.isInputClosed();
  }

  /** How many pings the server sent (the JDK client answers each with a pong by itself). */
  public int pings() {
    return pings.get();
  }

  /** Drops the TCP connection with no close handshake, as a network failure would. */
  public void abort() {
    ws.abort();
  }

  /** Sends a normal close (1000) if the connection is still open, then drops it without waiting. */
  @Override
  public void close() {
    if (!ws.isOutputClosed()) {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    ws.abort();
  }

  private <T> T await(CompletableFuture<T> stage, String what) {
    return await(stage, timeout, what);
  }

  private static <T> T await(CompletableFuture<T> stage, Duration wait, String what) {
    try {
      return stage.get(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("timed out after " + wait + " waiting for " + what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError(what + " failed: " + e.getCause(), e.getCause());
    }
  }

  /** On the JDK client's thread. */
  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

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
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
      pings.incrementAndGet();
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closeReason = reason;
      closeCode.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closeCode.complete(1006); // a reset or a dropped connection: no close frame
    }
  }
}
