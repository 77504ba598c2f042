package dev.parley.chat.internal;

import dev.parley.chat.internal.concurrent.SerialExecutor;
import dev.parley.chat.ConnectionInfo;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.spi.ClientConnection;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ClientSession;
import dev.parley.chat.spi.ServerEvent;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/** The server's state for one connection. Request handling runs on its serial executor. */
final class Session implements ClientSession {
  private final String id = UUID.randomUUID().toString();
  private final Connections server;
  final ClientConnection connection;
  final SerialExecutor inbox;
  private final RateLimiter limiter;
  private static final AtomicIntegerFieldUpdater<Session> CLOSED =
      AtomicIntegerFieldUpdater.newUpdater(Session.class, "closed");
  private volatile int closed; // an updater, not an AtomicBoolean: one object fewer per connection
  /**
   * Rooms this connection is in: an immutable set, replaced only on the inbox, read anywhere. Most
   * connections are in one or two rooms, which {@code Set.of} holds in a few bytes where a
   * concurrent set takes hundreds.
   */
  volatile Set<String> rooms = Set.of();
  private volatile String user;
  /** The connect hook chose the identity, so other connections of the same user may share it. */
  volatile boolean identityFixed;
  /** The connect hook has accepted the connection. */
  volatile boolean accepted;
  /** The application's data for this connection; made at its first use, as most have none. */
  private volatile java.util.concurrent.ConcurrentMap<String, Object> data;

  /** Where a connection types: a room, or one user privately. */
  record TypingTarget(String room, String to) {}

  /** Until when, by the server's clock, this connection counts as typing where; made at its first use; on the inbox. */
  private java.util.Map<TypingTarget, Long> typing;
  /** This connection's typing notices' limit; made at its first use; on the inbox. */
  private RateLimiter typingLimiter;

  java.util.Map<TypingTarget, Long> typing() {
    if (typing == null) {
      typing = new java.util.HashMap<>(4);
    }
    return typing;
  }

  java.util.Map<TypingTarget, Long> typingIfAny() {
    return typing;
  }

  RateLimiter typingLimiter(java.time.Clock clock, int perSecond) {
    if (typingLimiter == null) {
      typingLimiter = new RateLimiter(clock, perSecond, perSecond);
    }
    return typingLimiter;
  }

  /** This connection's read requests' limit; made at its first use; on the inbox. */
  private RateLimiter readLimiter;
  /**
   * The newest read marker this connection knows of per stream (a room, or an inbox name for a
   * private conversation), so that a read behind it costs no store write; made at its first use; on
   * the inbox. Only an optimisation: forgotten when it grows large.
   */
  private java.util.Map<String, String> readMarkers;
  /** Who sent this connection private messages: the conversations it may mark read. */
  final PrivateSenders privateSenders = new PrivateSenders();

  RateLimiter readLimiter(java.time.Clock clock, int perSecond) {
    if (readLimiter == null) {
      readLimiter = new RateLimiter(clock, perSecond, 2 * perSecond);
    }
    return readLimiter;
  }

  /** The newest marker this connection knows of in a stream, or {@code null}. On the inbox. */
  String readMarker(String stream) {
    return readMarkers == null ? null : readMarkers.get(stream);
  }

  /** Remembers a stream's marker as this connection last learnt or moved it. On the inbox. */
  void readMarker(String stream, String throughId) {
    if (readMarkers == null || readMarkers.size() >= 256) {
      readMarkers = new java.util.HashMap<>(4);
    }
    readMarkers.put(stream, throughId);
  }

  /** What delivery receipts call this connection; made at its first use: a digest per delivery cost more than the delivery. */
  private volatile String receiptName;

  /** See {@link Receipts#nameOf}. Any thread: threads that race compute the same name. */
  String receiptName() {
    String name = receiptName;
    if (name == null) {
      receiptName = name = Receipts.nameOf(this);
    }
    return name;
  }

  /** See {@link dev.parley.chat.ChatServer#connectionData}. */
  java.util.concurrent.ConcurrentMap<String, Object> data() {
    java.util.concurrent.ConcurrentMap<String, Object> d = data;
    if (d == null) {
      synchronized (this) {
        d = data;
        if (d == null) {
          data = d = new java.util.concurrent.ConcurrentHashMap<>();
        }
      }
    }
    return d;
  }

  Session(Connections server, ClientConnection connection, SerialExecutor inbox, RateLimiter limiter) {
    this.server = server;
    this.connection = connection;
    this.inbox = inbox;
    this.limiter = limiter;
  }

  @Override
  public String id() {
    return id;
  }

  /** On the inbox. */
  void addRoom(String room) {
    Set<String> now = rooms;
    if (!now.contains(room)) {
      String[] more = now.toArray(new String[now.size() + 1]);
      more[now.size()] = room;
      rooms = Set.of(more);
    }
  }

  /** On the inbox. */
  void removeRoom(String room) {
    Set<String> now = rooms;
    if (now.contains(room)) {
      rooms = now.stream().filter(r -> !r.equals(room)).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }
  }

  String user() {
    return user;
  }

  void user(String user) {
    this.user = user;
  }

  boolean isClosed() {
    return closed != 0;
  }

  ConnectionInfo info() {
    return new ConnectionInfo(id, user, connection.handshake());
  }

  void send(ServerEvent event) {
    connection.send(event);
  }

  void sendError(String requestId, String code, String message) {
    sendError(requestId, code, message, null);
  }

  /** An error with data for transports that send it; see {@link ServerEvent.Error#data()}. */
  void sendError(String requestId, String code, String message, Object data) {
    server.metrics.refused(code);
    connection.send(new ServerEvent.Error(requestId, code, message, data));
  }

  @Override
  public void receive(ClientRequest request) {
    if (closed != 0) {
      return;
    }
    if (server.isClosed()) {
      // Answered here, not on the inbox: the server's executor may already be shut down.
      sendError(request.requestId(), ErrorCodes.SERVER_CLOSED, "The chat server is closed");
      return;
    }
    if (!limiter.tryAcquire()) {
      sendError(request.requestId(), ErrorCodes.RATE_LIMITED, "Too many requests; slow down");
      return;
    }
    Runnable task = () -> server.handle(this, request);
    if (!(server.requestsRunHere ? inbox.offerHere(task) : inbox.offer(task))) {
      sendError(request.requestId(), ErrorCodes.OVERLOADED, "Too many requests waiting; try again later");
    }
  }

  @Override
  public void closed() {
    if (CLOSED.compareAndSet(this, 0, 1)) {
      inbox.force(() -> server.cleanUp(this));
    }
  }

  @Override
  public String toString() {
    return "Session{" + id + ", user=" + user + '}';
  }
}
