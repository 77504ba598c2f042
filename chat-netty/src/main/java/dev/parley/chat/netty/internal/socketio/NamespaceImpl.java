package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.netty.internal.RandomIds;
import dev.parley.chat.internal.concurrent.Threads;
import dev.parley.chat.netty.internal.engineio.CloseReason;
import dev.parley.chat.socketio.Ack;
import dev.parley.chat.socketio.Broadcast;
import dev.parley.chat.socketio.ConnectDecision;
import dev.parley.chat.socketio.ConnectHandler;
import dev.parley.chat.socketio.ConnectionHandler;
import dev.parley.chat.socketio.DisconnectHandler;
import dev.parley.chat.socketio.EventHandler;
import dev.parley.chat.socketio.Namespace;
import dev.parley.chat.socketio.SocketIoClient;
import dev.parley.chat.socketio.SocketIoHandshake;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A namespace: its handlers, sockets and rooms. */
public final class NamespaceImpl implements Namespace {
  private static final Logger log = LoggerFactory.getLogger(NamespaceImpl.class);

  private final String name;
  private final SocketIoRuntime runtime;
  private volatile ConnectHandler connectHandler;
  private volatile ConnectionHandler connectionHandler;
  private volatile ConnectionHandler setupHandler;
  private volatile DisconnectHandler disconnectHandler;
  private final ConcurrentHashMap<String, EventHandler> handlers = new ConcurrentHashMap<>();
  /** Handlers that never block (Parley's own) run on the I/O thread, skipping the worker pool. */
  private final Set<String> inlineEvents = ConcurrentHashMap.newKeySet();
  private volatile Listener listener;
  final ConcurrentHashMap<String, SocketImpl> sockets = new ConcurrentHashMap<>();
  final ConcurrentHashMap<String, Set<SocketImpl>> rooms = new ConcurrentHashMap<>();

  /** Parley's own, non-blocking view of connects and disconnects (the chat bridge). */
  public interface Listener {
    /**
     * Decides, after the connect handler, whether a client may connect; calls {@code done} once,
     * from any thread, with the decision and state to keep with the socket.
     */
    void authorize(SocketIoHandshake handshake, Decided done);

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
  public Namespace onConnect(ConnectHandler handler) {
    this.connectHandler = once(this.connectHandler, handler, "onConnect");
    return this;
  }

  @Override
  public Namespace onConnection(ConnectionHandler handler) {
    this.connectionHandler = once(this.connectionHandler, handler, "onConnection");
    return this;
  }

  @Override
  public Namespace on(String event, EventHandler handler) {
    if (handlers.putIfAbsent(event, handler) != null) {
      throw new IllegalStateException("a handler for '" + event + "' is already set");
    }
    return this;
  }

  /** Registers a handler that runs on the I/O thread; it must never block. */
  public void onInline(String event, EventHandler handler) {
    on(event, handler);
    inlineEvents.add(event);
  }

  Listener listener() {
    return listener;
  }

  public void listener(Listener listener) {
    this.listener = listener;
  }

  @Override
  public Namespace onSetup(ConnectionHandler handler) {
    this.setupHandler = once(this.setupHandler, handler, "onSetup");
    return this;
  }

  @Override
  public Namespace onDisconnect(DisconnectHandler handler) {
    this.disconnectHandler = once(this.disconnectHandler, handler, "onDisconnect");
    return this;
  }

  private static <T> T once(T existing, T handler, String what) {
    if (existing != null) {
      throw new IllegalStateException(what + " is already set");
    }
    return java.util.Objects.requireNonNull(handler, what);
  }

  @Override
  public CompletionStage<Void> emit(String event, Object... args) {
    return new BroadcastImpl(this, null).emit(event, args);
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

  EventHandler handler(String event) {
    return handlers.get(event);
  }

  boolean inline(String event) {
    return inlineEvents.contains(event);
  }

  /** On the session's loop: a client asks to connect. */
  void connect(SocketIoRuntime.Connection c, Map<String, Object> auth) {
    SocketIoHandshake handshake = new SocketIoHandshake(c.session.handshake(), auth);
    ConnectHandler handler = connectHandler;
    if (handler == null) {
      authorize(c, handshake);
      return;
    }
    runtime.workers().execute(() -> {
      ConnectDecision decision;
      try {
        decision = handler.onConnect(handshake);
      } catch (Throwable e) {
        Threads.rethrowIfFatal(e);
        log.error("connect handler failed; refusing the connection", e);
        decision = ConnectDecision.reject("Server error");
      }
      ConnectDecision d = decision == null ? ConnectDecision.accept() : decision;
      c.session.loop().execute(() -> {
        if (d.accepted()) {
          authorize(c, handshake);
        } else {
          c.connecting(name, false);
          refuse(c, d);
        }
      });
    });
  }

  /** On the loop: the connect handler agreed; Parley's own listener has the last word. */
  private void authorize(SocketIoRuntime.Connection c, SocketIoHandshake handshake) {
    Listener l = listener;
    if (l == null) {
      accept(c, handshake, null);
      return;
    }
    l.authorize(handshake, (decision, state) -> c.session.loop().execute(() -> {
      if (!decision.accepted()) {
        c.connecting(name, false);
        refuse(c, decision);
      } else {
        accept(c, handshake, state);
      }
    }));
  }

  private void refuse(SocketIoRuntime.Connection c, ConnectDecision d) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("message", d.message());
    if (d.data() != null) {
      error.put("data", d.data());
    }
    c.session.send(PacketCodec.encode(Packet.CONNECT_ERROR, name, -1, error));
  }

  /**
   * On the loop: the connect was accepted. The socket is made, the setup handler (if any) runs on
   * the worker pool, and only then is the CONNECT answered; a client that went away meanwhile is
   * let go (its state handed back to the listener as abandoned).
   */
  private void accept(SocketIoRuntime.Connection c, SocketIoHandshake handshake, Object state) {
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
    socket.bridge = state; // what the listener keeps with the socket, there for the setup handler too
    sockets.put(socket.id(), socket);
    ConnectionHandler setup = setupHandler;
    if (setup == null) {
      connected(c, socket, state);
      return;
    }
    // The CONNECT stays "being decided" while the setup runs: a repeated CONNECT is still ignored.
    socket.run(() -> {
      try {
        setup.onConnection(socket);
      } finally {
        c.session.loop().execute(() -> connected(c, socket, state));
      }
    });
  }

  /** On the loop: answers the CONNECT, unless the client went away during the setup. */
  private void connected(SocketIoRuntime.Connection c, SocketImpl socket, Object state) {
    c.connecting(name, false);
    Listener l = listener;
    if (!c.session.isOpen() || c.sockets.containsKey(name)) {
      socket.abandon();
      sockets.remove(socket.id(), socket);
      if (l != null) {
        l.abandoned(state);
      }
      return;
    }
    runtime.connected(c, socket);
    if (l != null) {
      l.connected(socket, state);
    }
    ConnectionHandler handler = connectionHandler;
    if (handler != null) {
      socket.run(() -> handler.onConnection(socket));
    }
  }

  /** On the session's loop, when a socket is gone. */
  void disconnected(SocketImpl socket, CloseReason reason) {
    sockets.remove(socket.id(), socket);
    Listener l = listener;
    if (l != null) {
      l.disconnected(socket, reason);
    }
    DisconnectHandler handler = disconnectHandler;
    if (handler != null) {
      socket.run(() -> handler.onDisconnect(socket, reason.socketIoReason()));
    }
  }
}
