package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.internal.concurrent.Threads;
import dev.parley.chat.internal.concurrent.SerialExecutor;
import dev.parley.chat.netty.internal.CloseReason;
import dev.parley.chat.internal.logging.LogText;
import dev.parley.chat.netty.internal.EngineFrame;
import dev.parley.chat.socketio.Ack;
import dev.parley.chat.socketio.AnyEventHook;
import dev.parley.chat.socketio.EventMiddleware;
import dev.parley.chat.socketio.Broadcast;
import dev.parley.chat.socketio.EventHook;
import dev.parley.chat.socketio.SocketErrorHook;
import dev.parley.chat.socketio.SocketIoClient;
import dev.parley.chat.Handshake;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One socket: a client connected to one namespace over one Engine.IO session. The public {@link
 * SocketIoClient} methods may be called from any thread; the others say where they run (the
 * session's event loop, or a worker).
 *
 * <p>Why over 500 lines: it implements the whole of {@link SocketIoClient} (some twenty-five
 * methods, most a few lines that hand over to the session, the namespace or a {@link
 * BroadcastImpl}), and what is left is the state of one socket that those methods share: its rooms,
 * its handlers and middlewares, the serial run of handler calls, and the acknowledgements it waits
 * for. Each of those is a few small methods over the same fields.
 */
final class SocketImpl implements SocketIoClient {
  private static final Logger log = LoggerFactory.getLogger(SocketImpl.class);

  /** Something a handler does that may throw. */
  @FunctionalInterface
  interface Call {
    void run() throws Exception;
  }

  private final String id;
  /** The private id a client presents to recover this socket's state; {@code null} if it cannot. */
  private final String pid;
  private final NamespaceImpl ns;
  private final SocketIoRuntime.Connection connection;
  private final Handshake handshake;
  private final SerialExecutor serial;
  /**
   * The rooms joined besides the socket's own, in join order: replaced, never changed, under this
   * socket's lock. Most sockets are in one or two rooms, which an array holds in a few bytes.
   */
  private volatile String[] rooms = NO_ROOMS;
  private static final String[] NO_ROOMS = {};
  /**
   * Whether the socket is in the room named by its id, as every socket is until it leaves it. That
   * room is not in the namespace's room table: the socket table finds its one member.
   */
  private volatile boolean inOwnRoom = true;
  /** Created by the first emit that waits for an acknowledgement; most sockets never make one. */
  private volatile ConcurrentHashMap<Long, CompletableFuture<List<Object>>> pendingAcks;
  /** {@link #onAny}, {@link #use} and {@link #onError}'s, created on first use: most sockets have none. */
  private volatile Listeners listeners;
  /** Created on first use. */
  private volatile ConcurrentMap<String, Object> data;
  private volatile boolean connected = true;
  /**
   * Set at once by {@link #disconnect()}, which completes later on the session's loop: from then on
   * the socket's id is free for a socket that continues its session (a recovery that superseded it).
   */
  private volatile boolean leaving;
  /**
   * What the namespace's listener (Parley's chat bridge) keeps with the socket: the state it handed
   * over when it accepted the connect, set before the setup hooks run.
   */
  public volatile Object bridge;
  /**
   * The user a connect hook or middleware of a namespace without a chat server accepted the socket
   * as ({@code ConnectDecision.acceptAs}); set before the client is told it is connected.
   */
  volatile String user;

  SocketImpl(
      String id, String pid, NamespaceImpl ns, SocketIoRuntime.Connection connection, Handshake handshake) {
    this.id = id;
    this.pid = pid;
    this.ns = ns;
    this.connection = connection;
    this.handshake = handshake;
    this.serial = new SerialExecutor(ns.runtime().workers(), ns.runtime().config().maxPendingEvents());
  }

  @Override
  public String id() {
    return id;
  }

  /** The private session id sent with the CONNECT reply, or {@code null} when recovery is off. */
  public String pid() {
    return pid;
  }

  /** The event loop of the socket's Engine.IO session, for timers. */
  io.netty.channel.EventLoop loop() {
    return connection.session.loop();
  }

  @Override
  public String namespace() {
    return ns.name();
  }

  @Override
  public Handshake handshake() {
    return handshake;
  }

  @Override
  public void join(String room) {
    if (room.equals(id)) {
      inOwnRoom = connected;
      return;
    }
    // The room table changes under the same lock as the socket's own list, so that a leave or the
    // disconnect racing a join cannot leave the socket in the table.
    synchronized (this) {
      String[] now = rooms;
      if (!connected || indexOf(now, room) >= 0) {
        return;
      }
      String[] more = Arrays.copyOf(now, now.length + 1);
      more[now.length] = room;
      rooms = more;
      ns.rooms.compute(room, (r, members) -> {
        Set<SocketImpl> m = members == null ? ConcurrentHashMap.newKeySet() : members;
        m.add(this);
        return m;
      });
    }
  }

  @Override
  public void leave(String room) {
    if (room.equals(id)) {
      inOwnRoom = false;
      return;
    }
    synchronized (this) {
      String[] now = rooms;
      int at = indexOf(now, room);
      if (at < 0) {
        return;
      }
      String[] fewer = new String[now.length - 1];
      System.arraycopy(now, 0, fewer, 0, at);
      System.arraycopy(now, at + 1, fewer, at, now.length - at - 1);
      rooms = fewer;
      ns.rooms.computeIfPresent(room, (r, members) -> {
        members.remove(this);
        return members.isEmpty() ? null : members;
      });
    }
  }

  private static int indexOf(String[] rooms, String room) {
    for (int i = 0; i < rooms.length; i++) {
      if (rooms[i].equals(room)) {
        return i;
      }
    }
    return -1;
  }

  /** The socket's rooms in join order, its own first, as in socket.io; empty once disconnected. */
  @Override
  public Set<String> rooms() {
    Set<String> all = new LinkedHashSet<>();
    if (inOwnRoom()) {
      all.add(id);
    }
    all.addAll(Arrays.asList(rooms));
    return Collections.unmodifiableSet(all);
  }

  /** Whether a broadcast to the room named by this socket's id reaches it. */
  boolean inOwnRoom() {
    return inOwnRoom && connected;
  }

  @Override
  public void emit(String event, Object... args) {
    send(SocketIoRuntime.encodeEvent(ns.name(), -1, event, args));
  }

  /** Sends already-encoded frames (shared by a broadcast). */
  public void send(List<EngineFrame> frames) {
    if (connected) {
      connection.session.send(frames);
    }
  }

  @Override
  public CompletionStage<List<Object>> emitWithAck(Duration timeout, String event, Object... args) {
    long ackId = ns.nextAckId();
    CompletableFuture<List<Object>> reply = expectAck(ackId, timeout);
    send(SocketIoRuntime.encodeEvent(ns.name(), ackId, event, args));
    return reply;
  }

  /**
   * Waits for the client's acknowledgement of the packet with this ack id, to be sent next: the
   * stage fails with a {@link TimeoutException} if none came within {@code timeout}.
   */
  CompletableFuture<List<Object>> expectAck(long ackId, Duration timeout) {
    CompletableFuture<List<Object>> reply = new CompletableFuture<>();
    ConcurrentHashMap<Long, CompletableFuture<List<Object>>> waiting = pendingAcks();
    waiting.put(ackId, reply);
    connection.session.loop().schedule(() -> {
      if (waiting.remove(ackId, reply)) {
        reply.completeExceptionally(new TimeoutException("no acknowledgement within " + timeout));
      }
    }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!connected && waiting.remove(ackId, reply)) {
      reply.completeExceptionally(new IllegalStateException("disconnected"));
    }
    return reply;
  }

  @Override
  public void emitVolatile(String event, Object... args) {
    sendVolatile(SocketIoRuntime.encodeEvent(ns.name(), -1, event, args));
  }

  /** Sends already-encoded frames if the client can take them at once, else drops them. */
  void sendVolatile(List<EngineFrame> frames) {
    if (connected) {
      connection.session.sendVolatile(frames);
    }
  }

  @Override
  public void onAny(AnyEventHook handler) {
    listeners().any.add(Objects.requireNonNull(handler, "handler"));
  }

  @Override
  public void offAny(AnyEventHook handler) {
    Listeners l = listeners;
    if (l != null) {
      l.any.remove(handler);
    }
  }

  @Override
  public void offAny() {
    Listeners l = listeners;
    if (l != null) {
      l.any.clear();
    }
  }

  @Override
  public void use(EventMiddleware middleware) {
    listeners().middlewares.add(Objects.requireNonNull(middleware, "middleware"));
  }

  @Override
  public void onError(SocketErrorHook hook) {
    listeners().errors.add(Objects.requireNonNull(hook, "hook"));
  }

  private Listeners listeners() {
    Listeners l = listeners;
    if (l == null) {
      synchronized (this) {
        l = listeners;
        if (l == null) {
          listeners = l = new Listeners();
        }
      }
    }
    return l;
  }

  /** What the application added to this one socket, in the order it added them. */
  private static final class Listeners {
    final List<AnyEventHook> any = new CopyOnWriteArrayList<>();
    final List<EventMiddleware> middlewares = new CopyOnWriteArrayList<>();
    final List<SocketErrorHook> errors = new CopyOnWriteArrayList<>();
  }

  @Override
  public Broadcast to(String room) {
    return new BroadcastImpl(ns, this).to(room);
  }

  @Override
  public Broadcast broadcast() {
    return new BroadcastImpl(ns, this);
  }

  @Override
  public void disconnect() {
    leaving = true;
    // In order with this thread's sends: what it emitted before goes first, nothing after it.
    connection.session.runInOrder(() -> {
      if (!connected) {
        return;
      }
      connection.session.send(PacketCodec.encode(Packet.DISCONNECT, ns.name(), -1, null));
      closed(CloseReason.SERVER_NAMESPACE_DISCONNECT);
      ns.runtime().removed(connection, this);
    });
  }

  /**
   * Closes the client's whole connection (its Engine.IO session, every namespace on it) after what
   * was sent to it before, as a network failure would: the client's sockets see a transport close,
   * after which a stock client reconnects by itself and may recover.
   */
  void closeConnection(CloseReason reason) {
    connection.session.close(reason);
  }

  @Override
  public boolean connected() {
    return connected;
  }

  /** Whether the socket is gone or on its way out, so that its id may be given to another. */
  boolean leaving() {
    return leaving || !connected;
  }

  @Override
  public java.util.Optional<String> user() {
    if (bridge instanceof ChatSocket chat) {
      return java.util.Optional.ofNullable(chat.user);
    }
    return java.util.Optional.ofNullable(user);
  }

  @Override
  public java.util.Optional<dev.parley.chat.ConnectionInfo> chatConnection() {
    return bridge instanceof ChatSocket chat ? chat.info() : java.util.Optional.empty();
  }

  @Override
  public ConcurrentMap<String, Object> data() {
    if (bridge instanceof ChatSocket chat && chat.data != null) {
      return chat.data; // the chat connection's, which hooks share
    }
    ConcurrentMap<String, Object> d = data;
    if (d == null) {
      synchronized (this) {
        d = data;
        if (d == null) {
          data = d = new ConcurrentHashMap<>();
        }
      }
    }
    return d;
  }

  /**
   * On the loop: an event from the client. Parley's own (inline) handlers run here at once, unless
   * the socket has a middleware, which must see the event first: then everything runs on the worker
   * pool, in the socket's order, as the application's handlers always do.
   */
  void onEvent(String event, List<Object> args, long ackId) {
    List<NamespaceImpl.Handler> handlers = ns.handlers(event);
    Listeners l = listeners;
    boolean any = l != null && !l.any.isEmpty();
    boolean checked = l != null && !l.middlewares.isEmpty();
    AckImpl ack = new AckImpl(ackId);
    if (handlers.isEmpty() && !any && !checked) {
      unknown(event, ack);
      return;
    }
    List<Object> arguments = Collections.unmodifiableList(new java.util.ArrayList<>(args));
    if (checked) {
      run(() -> {
        if (passes(l, event, arguments)) {
          dispatch(event, arguments, ack, handlers, l, true);
        }
      });
      return;
    }
    boolean queued = any;
    for (NamespaceImpl.Handler h : handlers) {
      if (h.inline()) {
        call(h.handler(), event, arguments, ack);
      } else {
        queued = true;
      }
    }
    if (queued) {
      run(() -> dispatch(event, arguments, ack, handlers, l, false));
    }
  }

  /** An event no handler takes: the namespace's listener (the chat's) may answer its acknowledgement. */
  private void unknown(String event, AckImpl ack) {
    log.debug("no handler for event '{}' in {}", LogText.of(event), ns.name());
    NamespaceImpl.Listener listener = ns.listener();
    if (listener != null && ack.requested()) {
      listener.unknown(this, event, ack);
    }
  }

  /**
   * On a worker: the socket's any-handlers, then the event's handlers (the inline ones too if {@code
   * all}, else only the others, the inline ones having run on the loop).
   */
  private void dispatch(String event, List<Object> args, AckImpl ack, List<NamespaceImpl.Handler> handlers,
      Listeners l, boolean all) {
    boolean handled = !handlers.isEmpty();
    if (l != null) {
      for (AnyEventHook h : l.any) {
        handled = true;
        try {
          h.onEvent(this, event, args, ack);
        } catch (Throwable e) {
          Threads.rethrowIfFatal(e);
          log.error("Socket.IO any-event hook failed on '{}'", LogText.of(event), e);
        }
      }
    }
    for (NamespaceImpl.Handler h : handlers) {
      if (all || !h.inline()) {
        call(h.handler(), event, args, ack);
      }
    }
    if (!handled) {
      unknown(event, ack);
    }
  }

  private void call(EventHook handler, String event, List<Object> args, Ack ack) {
    try {
      handler.onEvent(this, args, ack);
    } catch (Throwable e) {
      Threads.rethrowIfFatal(e);
      log.error("handler for '{}' failed", LogText.of(event), e);
    }
  }

  /** On a worker: the socket's middlewares in order; false, once the error hooks had it, if one refused. */
  private boolean passes(Listeners l, String event, List<Object> args) {
    for (EventMiddleware m : l.middlewares) {
      try {
        m.check(this, event, args);
      } catch (Throwable e) {
        Threads.rethrowIfFatal(e);
        Exception refusal = e instanceof Exception x ? x : new RuntimeException(e);
        if (l.errors.isEmpty()) {
          log.debug("event '{}' of {} refused by a middleware: {}", LogText.of(event), id, LogText.of(String.valueOf(e)));
        }
        for (SocketErrorHook hook : l.errors) {
          try {
            hook.onError(this, refusal);
          } catch (Throwable failed) {
            Threads.rethrowIfFatal(failed);
            log.error("Socket.IO error hook failed", failed);
          }
        }
        return false;
      }
    }
    return true;
  }

  /** On the loop: an event that could not be decoded; true if this namespace answered it. */
  boolean refused(String event, long ackId, String message) {
    NamespaceImpl.Listener listener = ns.listener();
    return listener != null && listener.refused(this, event, new AckImpl(ackId), message);
  }

  /** Runs a handler call on the worker pool, after this socket's earlier ones. */
  void run(Call call) {
    boolean queued = serial.offer(() -> {
      try {
        call.run();
      } catch (Throwable e) {
        Threads.rethrowIfFatal(e);
        log.error("Socket.IO hook failed", e);
      }
    });
    if (!queued) {
      log.info("closing session {}: more than {} events waiting", connection.session.id(),
          ns.runtime().config().maxPendingEvents());
      connection.session.close(CloseReason.TOO_MANY_PENDING_EVENTS);
    }
  }


  /** On the loop: the client acknowledged one of our events. */
  void onAck(long ackId, List<Object> args) {
    ConcurrentHashMap<Long, CompletableFuture<List<Object>>> waiting = pendingAcks;
    CompletableFuture<List<Object>> reply = waiting == null ? null : waiting.remove(ackId);
    if (reply != null) {
      reply.complete(args);
    }
  }

  private ConcurrentHashMap<Long, CompletableFuture<List<Object>>> pendingAcks() {
    ConcurrentHashMap<Long, CompletableFuture<List<Object>>> waiting = pendingAcks;
    if (waiting == null) {
      synchronized (this) {
        waiting = pendingAcks;
        if (waiting == null) {
          pendingAcks = waiting = new ConcurrentHashMap<>();
        }
      }
    }
    return waiting;
  }

  /**
   * On the loop: the client went away before the socket was connected (during the setup hooks):
   * it leaves the rooms the setup put it in, and no handler is told, as none was told it connected.
   */
  void abandon() {
    String[] joined;
    synchronized (this) {
      connected = false;
      joined = rooms;
    }
    for (String room : joined) {
      leave(room);
    }
  }

  /** On the loop: the socket is gone. */
  void closed(CloseReason reason) {
    if (!connected) {
      return;
    }
    String[] joined;
    synchronized (this) {
      connected = false; // under the lock: a join either sees it or is undone here
      joined = rooms;
    }
    for (String room : joined) {
      leave(room);
    }
    ConcurrentHashMap<Long, CompletableFuture<List<Object>>> waiting = pendingAcks;
    if (waiting != null) {
      waiting.forEach((idKey, reply) -> reply.completeExceptionally(new IllegalStateException("disconnected: " + reason.socketIoReason())));
      waiting.clear();
    }
    ns.disconnected(this, reason);
  }

  private final class AckImpl implements Ack {
    private final long ackId;
    private final AtomicBoolean sent = new AtomicBoolean();

    AckImpl(long ackId) {
      this.ackId = ackId;
    }

    @Override
    public boolean requested() {
      return ackId >= 0;
    }

    @Override
    public void send(Object... args) {
      if (ackId >= 0 && sent.compareAndSet(false, true)) {
        SocketImpl.this.send(PacketCodec.encode(Packet.ACK, ns.name(), ackId, Arrays.asList(args)));
      }
    }
  }

  @Override
  public String toString() {
    return "SocketIoClient{" + id + " in " + ns.name() + '}';
  }
}
