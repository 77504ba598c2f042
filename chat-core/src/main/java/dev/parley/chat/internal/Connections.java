package dev.parley.chat.internal;

import dev.parley.chat.internal.concurrent.SerialExecutor;
import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatException;
import dev.parley.chat.ChatServer;
import dev.parley.chat.ConnectDecision;
import dev.parley.chat.ConnectionContext;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.internal.logging.LogText;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.spi.ClientConnection;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ClientSession;
import dev.parley.chat.spi.CloseCodes;
import dev.parley.chat.spi.ServerEvent;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's life on this node: opened (the connect hook, a name it chose, the welcome, kept
 * private messages), its requests, and its end (out of its rooms, its name released, the disconnect
 * hook). Everything but {@link #open} runs on the session's inbox. Thread-safe; one per server.
 */
final class Connections {
  private static final Logger log = LoggerFactory.getLogger(ChatServer.class);

  private final ChatServer server;
  private final ChatConfig config;
  private final Clock clock;
  /**
   * Whether a request runs on the thread that received it (a transport's I/O thread) when its
   * connection has nothing else waiting: only when nothing a request calls can block. See {@link
   * DefaultChatServer}.
   */
  final boolean requestsRunHere;
  private final Executor executor;
  private final HookPolicy hooks;
  private final Identities identities;
  private final RoomMembership membership;
  private final OfflineInbox inbox;
  private final TypingIndicators typing;
  final ChatMetrics metrics;
  private Requests requests;
  /** Set by the server's close, before it closes its parts. */
  private volatile boolean closed;

  Connections(ChatServer server, ChatConfig config, Clock clock, Executor executor, boolean requestsRunHere,
      HookPolicy hooks, Identities identities, RoomMembership membership, OfflineInbox inbox, TypingIndicators typing,
      ChatMetrics metrics) {
    this.requestsRunHere = requestsRunHere;
    this.typing = typing;
    this.metrics = metrics;
    this.server = server;
    this.config = config;
    this.clock = clock;
    this.executor = executor;
    this.hooks = hooks;
    this.identities = identities;
    this.membership = membership;
    this.inbox = inbox;
  }

  /** Set once, before the first connection. */
  void requests(Requests requests) {
    this.requests = requests;
  }

  /** From here on, new connections are refused and requests answered with SERVER_CLOSED. */
  void close() {
    closed = true;
  }

  boolean isClosed() {
    return closed;
  }

  static ChatException serverClosed() {
    return new ChatException(ErrorCodes.SERVER_CLOSED, "The chat server is closed");
  }

  ClientSession open(ClientConnection connection) {
    if (closed) {
      // No session, no hook, no executor task: the parts a session uses are closing or closed.
      connection.send(new ServerEvent.Error(null, ErrorCodes.SERVER_CLOSED, "The chat server is closed"));
      connection.close(CloseCodes.GOING_AWAY, "server closed");
      return new RefusedSession();
    }
    Session session = new Session(this, connection, new SerialExecutor(executor, config.maxPendingRequests()),
        new RateLimiter(clock, config.requestsPerSecond(), config.requestBurst()));
    identities.opened(session);
    session.inbox.force(() -> accept(session));
    return session;
  }

  private void accept(Session session) {
    if (session.isClosed()) {
      return;
    }
    if (closed) {
      // Opened while the server was closing: refused as if it had come after.
      session.sendError(null, ErrorCodes.SERVER_CLOSED, "The chat server is closed");
      session.connection.close(CloseCodes.GOING_AWAY, "server closed");
      return;
    }
    ConnectDecision decision = hooks.connect(session);
    if (decision == null) {
      return; // refused when the hook's deadline passed
    }
    if (decision instanceof ConnectDecision.Reject reject) {
      HookPolicy.refuse(session, ErrorCodes.CONNECTION_REJECTED, reject.message(), reject.data());
      return;
    }
    ConnectDecision.Accept result = (ConnectDecision.Accept) decision;
    if (result.user() != null) {
      if (!identities.names().isValidUsername(result.user())) {
        log.error("connect hook chose an invalid username {}; refusing the connection", LogText.of(result.user()));
        session.sendError(null, ErrorCodes.CONNECTION_REJECTED, "The server could not accept the connection");
        session.connection.close(CloseCodes.POLICY_VIOLATION, "invalid identity");
        return;
      }
      session.identityFixed = true;
      boolean claimed;
      try {
        claimed = identities.claim(result.user(), session);
      } catch (ChatException e) {
        // The cluster cannot be asked: the client may try again later.
        session.sendError(null, e.code(), e.getMessage());
        session.connection.close(CloseCodes.GOING_AWAY, "try again later");
        return;
      }
      if (!claimed) {
        // A client already chose this name for itself at a join; the two cannot share it.
        HookPolicy.refuse(session, ErrorCodes.CONNECTION_REJECTED, "The name " + result.user() + " is in use by another connection");
        return;
      }
    }
    session.accepted = true;
    session.send(new ServerEvent.Welcome(session.id(), session.user()));
    if (session.user() != null) {
      inbox.deliverTo(session);
    }
  }

  /** Runs on the session's inbox. */
  void handle(Session session, ClientRequest request) {
    if (closed) {
      session.sendError(request.requestId(), ErrorCodes.SERVER_CLOSED, "The chat server is closed");
      return;
    }
    requests.handle(session, request);
  }

  /** Runs on the session's inbox, after every request it received before closing. */
  void cleanUp(Session session) {
    typing.closed(session);
    for (String room : List.copyOf(session.rooms)) {
      membership.leave(session, room);
    }
    identities.closed(session);
    if (session.accepted && hooks.hooks.disconnect() != null) {
      hooks.tell(ChatMetrics.Hook.DISCONNECT, () -> hooks.hooks.disconnect().onDisconnect(new ConnectionContext(server, session.info())));
    }
  }
}
