package dev.parley.chat.testkit;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.ChatServer;
import dev.parley.chat.Handshake;
import dev.parley.chat.spi.ClientConnection;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ClientSession;
import dev.parley.chat.spi.ServerEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One in-memory client of a {@link ChatTestKit}. Requests go through the same path as a network
 * client's frames; every event the server sends is recorded, and the test takes them in order with
 * the {@code take...} methods, which wait up to {@link ChatTestKit#DEFAULT_TIMEOUT}.
 *
 * <p>Threading: the server may record events from any thread; the request and {@code take...}
 * methods are for one test thread at a time. Lifecycle: made by its {@link ChatTestKit}; connected
 * until {@link #disconnect()}, the server closes it, or the kit is closed.
 */
public final class TestClient {
  private final BlockingQueue<ServerEvent> events = new LinkedBlockingQueue<>();
  private final CountDownLatch closedLatch = new CountDownLatch(1);
  private final List<ServerEvent> skipped = new ArrayList<>();
  private final ClientSession session;
  private volatile ServerEvent.Welcome welcome;
  private volatile boolean closed;
  private volatile int closeCode;
  private volatile String closeReason;

  TestClient(ChatServer server, Handshake handshake) {
    this.session = server.open(new Connection(handshake));
    if (closed) {
      // The connect hook refused the connection before open() returned.
      session.closed();
    }
  }

  void welcomed(ServerEvent.Welcome welcome) {
    this.welcome = welcome;
  }

  /** The server-assigned connection id. */
  public String connectionId() {
    return session.id();
  }

  /** The identity the connect hook gave, from the welcome, or {@code null}. */
  public String welcomeUser() {
    return welcome == null ? null : welcome.user();
  }

  // ------------------------------------------------------------ requests

  /** Sends any request. */
  public TestClient request(ClientRequest request) {
    session.receive(request);
    return this;
  }

  /** Joins a room, keeping the current username or getting a generated one. */
  public TestClient join(String room) {
    return request(new ClientRequest.Join(null, room, null));
  }

  /** Joins a room as {@code username}. */
  public TestClient join(String room, String username) {
    return request(new ClientRequest.Join(null, room, username));
  }

  /**
   * Joins a room again after a reconnect, asking for every message after {@code since}: the answer
   * is a {@link ServerEvent.Joined} whose {@code recovered} flag says whether its history is exactly
   * what was missed.
   */
  public TestClient rejoin(String room, String username, String since) {
    return request(new ClientRequest.Join(null, room, username, since));
  }

  /** Asks for up to {@code limit} messages of a room older than {@code before} ({@code null}: the newest). */
  public TestClient history(String room, String before, int limit) {
    return request(new ClientRequest.History(null, room, before, limit));
  }

  /** Leaves a room. */
  public TestClient leave(String room) {
    return request(new ClientRequest.Leave(null, room));
  }

  /** Sends a message to a room (no request id, so no acknowledgement). */
  public TestClient send(String room, String text) {
    return request(new ClientRequest.Send(null, room, text, null));
  }

  /** Sends a message with structured data to a room (no acknowledgement). */
  public TestClient send(String room, String text, Map<String, Object> data) {
    return request(new ClientRequest.Send(null, room, text, data));
  }

  /** Sends a private message (no acknowledgement). */
  public TestClient sendPrivate(String to, String text) {
    return request(new ClientRequest.SendPrivate(null, to, text, null));
  }

  /** Moves this user's read marker in a room to a message id (no request id). */
  public TestClient read(String room, String throughId) {
    return request(new ClientRequest.Read(null, room, null, throughId));
  }

  /** Moves this user's read marker of the private conversation with {@code from} to a message id. */
  public TestClient readFrom(String from, String throughId) {
    return request(new ClientRequest.Read(null, null, from, throughId));
  }

  /** Edits a message of a room, with a request id of {@code "edit"}, so that it is acknowledged. */
  public TestClient edit(String room, String messageId, String text) {
    return request(new ClientRequest.Edit("edit", room, null, messageId, text, null));
  }

  /** Deletes a message of a room, with a request id of {@code "delete"}, so that it is acknowledged. */
  public TestClient delete(String room, String messageId) {
    return request(new ClientRequest.Delete("delete", room, null, messageId));
  }

  /** Asks who is in a room. */
  public TestClient members(String room) {
    return request(new ClientRequest.Members(null, room));
  }

  /** Asks to clear a room's history. */
  public TestClient clearHistory(String room) {
    return request(new ClientRequest.ClearHistory(null, room));
  }

  /** Closes the connection from the client's side, as a network client hanging up would. */
  public void disconnect() {
    if (!closed) {
      closed = true;
      closeCode = 1000;
      closedLatch.countDown();
    }
    session.closed();
  }

  // ------------------------------------------------------------ expectations

  /** Takes the next event, waiting up to the default timeout. */
  public ServerEvent takeEvent() {
    return takeEvent(ChatTestKit.DEFAULT_TIMEOUT);
  }

  /** Takes the next event, waiting up to {@code timeout}. */
  public ServerEvent takeEvent(Duration timeout) {
    try {
      ServerEvent event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (event == null) {
        throw new AssertionError("no event within " + timeout);
      }
      return event;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Takes the next event and checks that it is of the given type. */
  public <T extends ServerEvent> T take(Class<T> type) {
    ServerEvent event = takeEvent();
    if (!type.isInstance(event)) {
      throw new AssertionError("expected " + type.getSimpleName() + " but got " + event);
    }
    return type.cast(event);
  }

  /** Takes the next event, which must be a message, and returns the message. */
  public ChatMessage takeMessage() {
    return take(ServerEvent.Message.class).message();
  }

  /** Takes the next event, which must be an error. */
  public ServerEvent.Error takeError() {
    return take(ServerEvent.Error.class);
  }

  /**
   * Takes events until one of the given type arrives and returns it; the events passed over are
   * available from {@link #skipped()}.
   */
  public <T extends ServerEvent> T takeUntil(Class<T> type) {
    skipped.clear();
    for (;;) {
      ServerEvent event = takeEvent();
      if (type.isInstance(event)) {
        return type.cast(event);
      }
      skipped.add(event);
    }
  }

  /** The events skipped by the last {@link #takeUntil(Class)}. */
  public List<ServerEvent> skipped() {
    return List.copyOf(skipped);
  }

  /** Fails if any event is waiting. */
  public void assertNoMoreEvents() {
    ServerEvent event = events.peek();
    if (event != null) {
      throw new AssertionError("expected no more events, but got " + event + " (" + events.size() + " waiting)");
    }
  }

  /** Whether the server closed the connection (or the client disconnected). */
  public boolean isClosed() {
    return closed;
  }

  /** Waits until the connection is closed and returns the close code. */
  public int awaitClose() {
    try {
      if (!closedLatch.await(ChatTestKit.DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("connection not closed within " + ChatTestKit.DEFAULT_TIMEOUT);
      }
      return closeCode;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The close reason the server gave, or {@code null}. */
  public String closeReason() {
    return closeReason;
  }

  private final class Connection implements ClientConnection {
    private final Handshake handshake;

    Connection(Handshake handshake) {
      this.handshake = handshake;
    }

    @Override
    public Handshake handshake() {
      return handshake;
    }

    @Override
    public boolean send(ServerEvent event) {
      if (closed) {
        return false;
      }
      events.add(event);
      return true;
    }

    @Override
    public void close(int code, String reason) {
      if (closed) {
        return;
      }
      closeCode = code;
      closeReason = reason;
      closed = true;
      closedLatch.countDown();
      ClientSession s = session;
      if (s != null) {
        s.closed();
      }
    }
  }
}
