package dev.parley.chat.internal;

import dev.parley.chat.ConnectionInfo;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.spi.ClientConnection;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ClientSession;
import dev.parley.chat.spi.ServerEvent;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** The server's state for one connection. Request handling runs on its serial executor. */
final class Session implements ClientSession {
  private final String id = UUID.randomUUID().toString();
  private final DefaultChatServer server;
  final ClientConnection connection;
  final SerialExecutor inbox;
  private final RateLimiter limiter;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Rooms this connection is in; changed only on the inbox, read anywhere. */
  final Set<String> rooms = ConcurrentHashMap.newKeySet();
  private volatile String user;
  /** The connect hook chose the identity, so other connections of the same user may share it. */
  volatile boolean identityFixed;
  /** The connect hook has accepted the connection. */
  volatile boolean accepted;

  Session(DefaultChatServer server, ClientConnection connection, SerialExecutor inbox, RateLimiter limiter) {
    this.server = server;
    this.connection = connection;
    this.inbox = inbox;
    this.limiter = limiter;
  }

  @Override
  public String id() {
    return id;
  }

  String user() {
    return user;
  }

  void user(String user) {
    this.user = user;
  }

  boolean isClosed() {
    return closed.get();
  }

  ConnectionInfo info() {
    return new ConnectionInfo(id, user, connection.handshake());
  }

  void send(ServerEvent event) {
    connection.send(event);
  }

  void sendError(String requestId, String code, String message) {
    connection.send(new ServerEvent.Error(requestId, code, message));
  }

  @Override
  public void receive(ClientRequest request) {
    if (closed.get()) {
      return;
    }
    if (!limiter.tryAcquire()) {
      sendError(request.requestId(), ErrorCodes.RATE_LIMITED, "Too many requests; slow down");
      return;
    }
    if (!inbox.offer(() -> server.handle(this, request))) {
      sendError(request.requestId(), ErrorCodes.OVERLOADED, "Too many requests waiting; try again later");
    }
  }

  @Override
  public void closed() {
    if (closed.compareAndSet(false, true)) {
      inbox.force(() -> server.cleanUp(this));
    }
  }

  @Override
  public String toString() {
    return "Session{" + id + ", user=" + user + '}';
  }
}
