package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.netty.internal.RandomIds;
import dev.parley.chat.internal.concurrent.Threads;
import dev.parley.chat.netty.internal.CloseReason;
import dev.parley.chat.socketio.Ack;
import dev.parley.chat.socketio.Broadcast;
import dev.parley.chat.ConnectDecision;
import dev.parley.chat.ConnectHook;
import dev.parley.chat.socketio.ConnectionHook;
import dev.parley.chat.socketio.SocketDisconnectHook;
import dev.parley.chat.socketio.EventHook;
import dev.parley.chat.socketio.Namespace;
import dev.parley.chat.socketio.RemoteSocket;
import dev.parley.chat.socketio.SocketIoClient;
import dev.parley.chat.Handshake;
import dev.parley.chat.socketio.ConnectMiddleware;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A namespace: its handlers, sockets and rooms. */
final class NamespaceImpl implements Namespace {
  private static final Logger log = LoggerFactory.getLogger(NamespaceImpl.class);

  private final String name;
  private final SocketIoRuntime runtime;
  // Appended to, as socket.io's listeners; read on every connect or packet, written rarely.
  private final List<ConnectHook> connectHooks = new CopyOnWriteArrayList<>();
  private final List<ConnectionHook> connectionHooks = new CopyOnWriteArrayList<>();
  /** {@link #use} and {@link #onSetup}, in the order they were registered. */
  private final List<ConnectMiddleware> connectSteps = new CopyOnWriteArrayList<>();
  private final List<SocketDisconnectHook> disconnectHooks = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, List<Handler>> handlers = new ConcurrentHashMap<>();
  /** Namespace-wide, so that one broadcast's packet carries the same ack id to every recipient. */
  private final java.util.concurrent.atomic.AtomicLong nextAckId = new java.util.concurrent.atomic.AtomicLong();
  private volatile Listener listener;
  final ConcurrentHashMap<String, SocketImpl> sockets = new ConcurrentHashMap<>();
  final ConcurrentHashMap<String, Set<SocketImpl>> rooms = new ConcurrentHashMap<>();

  /**
   * An event's handler; {@code inline} for Parley's own, which never block and run on the I/O thread,
   * skipping the worker pool.
   */
  record Handler(EventHook handler, boolean inline) {}

  /** Parley's own, non-blocking view of connects and disconnects (the chat bridge). */
  public interface Listener {
    /**
     * Decides, after the connect hooks, whether a client may connect; calls {@code done} once,
     * from any thread, with the decision and state to keep with the socket.
     */
    void authorize(Handshake handshake, Decided done);

    /** The socket exists; {@code state} is what {@link #authorize} handed over. */
    void connected(SocketImpl socket, Object state);

    /** The client went away before it was connected. */
    void abandoned(Object state);

    void disconnected(SocketImpl socket, CloseReason reason);

    /**
     * The ids of the socket about to be created from {@code state}: a recovered session keeps its
     * {@code sid}. {@code null}, or a {@code null} sid, for a fresh random one.
     */
    default Ids ids(Object state) {
      return null;
    }

    /**
     * An event of {@code socket} that could not be decoded (a number out of range; {@code message}
     * says which field): true if the listener answered it, false to have the packet treated as
     * malformed. Runs on the I/O thread; must not block.
     */
    default boolean refused(SocketImpl socket, String event, Ack ack, String message) {
      return false;
    }

    /**
     * An event of {@code socket} that no handler takes, sent with an acknowledgement: the listener
     * may answer it. Runs on the I/O thread; must not block.
     */
    default void unknown(SocketImpl socket, String event, Ack ack) {}

    /**
     * A connection on another node took the kept state of the private session id {@code pid}: a
     * socket here that still holds it must not write it any more. On an engine thread; must not
     * block.
     */
    default void sessionTaken(String pid) {}
  }

  /**
   * A socket's public id, and the private id a client presents to recover its session; {@code pid}
   * is {@code null} where recovery is off.
   *
   * @param sid the socket id, or {@code null} for a fresh one
   * @param pid the private session id, or {@code null}
   */
  public record Ids(String sid, String pid) {}

  /** The outcome of {@link Listener#authorize}. */
  @FunctionalInterface
  public interface Decided {
    void decided(ConnectDecision decision, Object state);
  }

  NamespaceImpl(String name, SocketIoRuntime runtime) {
    this.name = name;
    this.runtime = runtime;
  }

  @Override
  public String name() {
    return name;
  }

  SocketIoRuntime runtime() {
    return runtime;
  }

  @Override
  public Namespace onConnect(ConnectHook hook) {
    connectHooks.add(Objects.requireNonNull(hook, "hook"));
    return this;
  }

  @Override
  public Namespace onConnection(ConnectionHook hook) {
    connectionHooks.add(Objects.requireNonNull(hook, "hook"));
    return this;
  }

  @Override
  public Namespace on(String event, EventHook handler) {
    add(event, new Handler(Objects.requireNonNull(handler, "handler"), false));
    return this;
  }

  /** Registers a handler that runs on the I/O thread; it must never block. */
  public void onInline(String event, EventHook handler) {
    add(event, new Handler(handler, true));
  }

  private void add(String event, Handler handler) {
    Objects.requireNonNull(event, "event");
    handlers.computeIfAbsent(event, e -> new CopyOnWriteArrayList<>()).add(handler);
  }

  Listener listener() {
    return listener;
  }

  public void listener(Listener listener) {
    this.listener = listener;
  }

  @Override
  public Namespace onSetup(ConnectionHook hook) {
    Objects.requireNonNull(hook, "hook");
    connectSteps.add(socket -> {
      try {
        hook.onConnection(socket);
      } catch (Exception e) {
        log.error("Socket.IO setup hook failed; connecting the client all the same", e);
      }
      return null;
    });
    return this;
  }

  @Override
  public Namespace use(ConnectMiddleware middleware) {
    connectSteps.add(Objects.requireNonNull(middleware, "middleware"));
    return this;
  }

  @Override
  public Namespace onDisconnect(SocketDisconnectHook hook) {
    disconnectHooks.add(Objects.requireNonNull(hook, "hook"));
    return this;
  }

  long nextAckId() {
    return nextAckId.getAndIncrement();
  }

  @Override
  public CompletionStage<Void> emit(String event, Object... args) {
    return new BroadcastImpl(this, null).emit(event, args);
  }

  @Override
  public CompletionStage<List<List<Object>>> emitWithAck(Duration timeout, String event, Object... args) {
    return new BroadcastImpl(this, null).emitWithAck(timeout, event, args);
  }

  @Override
  public CompletionStage<Void> emitVolatile(String event, Object... args) {
    return new BroadcastImpl(this, null).emitVolatile(event, args);
  }

  @Override
  public CompletionStage<List<RemoteSocket>> fetchSockets() {
    return new BroadcastImpl(this, null).fetchSockets();
  }

  @Override
  public Broadcast to(String room) {
    return new BroadcastImpl(this, null).to(room);
  }

  @Override
  public Broadcast except(String room) {
    return new BroadcastImpl(this, null).except(room);
  }

  @Override
  public CompletionStage<Void> socketsJoin(String room) {
    return new BroadcastImpl(this, null).socketsJoin(room);
  }

  @Override
  public CompletionStage<Void> socketsLeave(String room) {
    return new BroadcastImpl(this, null).socketsLeave(room);
  }

  @Override
  public CompletionStage<Void> disconnectSockets() {
    return new BroadcastImpl(this, null).disconnectSockets();
  }

  @Override
  public Optional<SocketIoClient> socket(String id) {
    return Optional.ofNullable(sockets.get(id));
  }

  @Override
  public int size() {
    return sockets.size();
  }

  /** The event's handlers in the order they were registered; empty for none. */
  List<Handler> handlers(String event) {
    return handlers.getOrDefault(event, List.of());
  }

  /** On the session's loop: a client asks to connect. */
  void connect(SocketIoRuntime.Connection c, Map<String, Object> auth) {
    Handshake handshake = c.session.handshake().withAuth(auth);
    if (connectHooks.isEmpty()) {
      authorize(c, handshake, null);
      return;
    }
    runtime.workers().execute(() -> {
      ConnectDecision d = decide(connectHooks, h -> h.onConnect(handshake), "connect hook", user -> {});
      c.session.loop().execute(() -> {
        if (d instanceof ConnectDecision.Accept accepted) {
          authorize(c, handshake, accepted.user());
        } else {
          c.connecting(name, false);
          refuse(c, (ConnectDecision.Reject) d);
        }
      });
    });
  }

  /** One hook's or middleware's decision about a connect. */
  @FunctionalInterface
  private interface Decides<T> {
    ConnectDecision decide(T hook) throws Exception;
  }

  /**
   * On a worker: asks each hook in order, until one refuses. The first refusal, or an accept as the
   * user the last {@link ConnectDecision#acceptAs} named ({@code null} for none), as each socket.io
   * middleware may overwrite what an earlier one set; {@code named} is told each name at once, so
   * that a later step sees it. A hook that throws is logged and refuses with
   * a generic message, and so does an {@code acceptAs} on the chat namespace, whose chat identity is
   * the chat server's connect hook's to give: two places deciding it could only disagree.
   */
  private <T> ConnectDecision decide(List<T> hooks, Decides<T> decides, String what, java.util.function.Consumer<String> named) {
    String user = null;
    for (T hook : hooks) {
      ConnectDecision decision;
      try {
        decision = decides.decide(hook);
      } catch (Throwable e) {
        Threads.rethrowIfFatal(e);
        log.error("Socket.IO {} failed; refusing the connection", what, e);
        return SERVER_ERROR;
      }
      if (decision instanceof ConnectDecision.Reject) {
        return decision;
      }
      if (decision instanceof ConnectDecision.Accept accepted && accepted.user() != null) {
        if (listener != null) {
          log.error("Socket.IO {} of the chat namespace {} accepted as a user; refusing the connection: "
              + "the chat server's connect hook (ChatServer.Builder.onConnect) gives the chat identity", what, name);
          return SERVER_ERROR;
        }
        user = accepted.user();
        named.accept(user);
      }
    }
    return user == null ? ConnectDecision.accept() : ConnectDecision.acceptAs(user);
  }

  private static final ConnectDecision SERVER_ERROR = ConnectDecision.reject("Server error");

  /**
   * On the loop: the connect hooks agreed, naming {@code user} or not; Parley's own listener has the
   * last word.
   */
  private void authorize(SocketIoRuntime.Connection c, Handshake handshake, String user) {
    Listener l = listener;
    if (l == null) {
      accept(c, handshake, null, user);
      return;
    }
    l.authorize(handshake, (decision, state) -> c.session.loop().execute(() -> {
      if (decision instanceof ConnectDecision.Reject refusal) {
        c.connecting(name, false);
        refuse(c, refusal);
      } else {
        accept(c, handshake, state, null);
      }
    }));
  }

  private void refuse(SocketIoRuntime.Connection c, ConnectDecision.Reject d) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("message", d.message());
    if (d.data() != null) {
      error.put("data", d.data());
    }
    c.session.send(PacketCodec.encode(Packet.CONNECT_ERROR, name, -1, error));
  }

  /**
   * On the loop: the connect was accepted. The socket is made, the setup hooks (if any) run on
   * the worker pool, and only then is the CONNECT answered; a client that went away meanwhile is
   * let go (its state handed back to the listener as abandoned).
   */
  private void accept(SocketIoRuntime.Connection c, Handshake handshake, Object state, String user) {
    Listener l = listener;
    if (!c.session.isOpen() || c.sockets.containsKey(name)) {
      c.connecting(name, false);
      if (l != null) {
        l.abandoned(state);
      }
      return;
    }
    Ids ids = l == null ? null : l.ids(state);
    // A recovered socket keeps its id even while the socket it superseded on this node is still
    // being disconnected on its own loop (its removal below spares the new one); only a socket that
    // still holds the id for good makes this one take a new id.
    SocketImpl holder = ids == null || ids.sid() == null ? null : sockets.get(ids.sid());
    String sid = ids == null || ids.sid() == null || (holder != null && !holder.leaving()) ? RandomIds.next() : ids.sid();
    SocketImpl socket = new SocketImpl(sid, ids == null ? null : ids.pid(), this, c, handshake);
    socket.user = user;
    socket.bridge = state; // what the listener keeps with the socket, there for the setup hooks too
    sockets.put(socket.id(), socket);
    List<ConnectMiddleware> steps = connectSteps;
    if (steps.isEmpty()) {
      connected(c, socket, state, null);
      return;
    }
    // The CONNECT stays "being decided" while the steps run: a repeated CONNECT is still ignored.
    socket.run(() -> {
      ConnectDecision.Reject refusal = null;
      try {
        ConnectDecision d = decide(steps, step -> step.check(socket), "connect middleware", named -> socket.user = named);
        if (d instanceof ConnectDecision.Reject r) {
          refusal = r;
        }
      } finally {
        ConnectDecision.Reject r = refusal;
        c.session.loop().execute(() -> connected(c, socket, state, r));
      }
    });
  }

  /**
   * On the loop: answers the CONNECT (with the refusal, if a step refused), unless the client went
   * away during the steps.
   */
  private void connected(SocketIoRuntime.Connection c, SocketImpl socket, Object state, ConnectDecision.Reject refusal) {
    c.connecting(name, false);
    Listener l = listener;
    if (refusal != null || !c.session.isOpen() || c.sockets.containsKey(name)) {
      socket.abandon();
      sockets.remove(socket.id(), socket);
      if (l != null) {
        l.abandoned(state);
      }
      if (refusal != null && c.session.isOpen()) {
        refuse(c, refusal);
      }
      return;
    }
    runtime.connected(c, socket);
    if (l != null) {
      l.connected(socket, state);
    }
    for (ConnectionHook hook : connectionHooks) {
      socket.run(() -> hook.onConnection(socket));
    }
  }

  /** On the session's loop, when a socket is gone. */
  void disconnected(SocketImpl socket, CloseReason reason) {
    sockets.remove(socket.id(), socket);
    Listener l = listener;
    if (l != null) {
      l.disconnected(socket, reason);
    }
    for (SocketDisconnectHook hook : disconnectHooks) {
      socket.run(() -> hook.onDisconnect(socket, reason.socketIoReason()));
    }
  }
}
