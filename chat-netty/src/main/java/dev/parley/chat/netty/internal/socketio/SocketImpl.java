package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.internal.concurrent.Threads;
import dev.parley.chat.internal.concurrent.SerialExecutor;
import dev.parley.chat.netty.internal.engineio.CloseReason;
import dev.parley.chat.internal.logging.LogText;
import dev.parley.chat.netty.internal.engineio.EngineFrame;
import dev.parley.chat.socketio.Ack;
import dev.parley.chat.socketio.Broadcast;
import dev.parley.chat.socketio.EventHandler;
import dev.parley.chat.socketio.SocketIoClient;
import dev.parley.chat.socketio.SocketIoHandshake;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One socket: a client connected to one namespace over one Engine.IO session. */
public final class SocketImpl implements SocketIoClient {
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
  private final SocketIoHandshake handshake;
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
  private static final AtomicLongFieldUpdater<SocketImpl> NEXT_ACK_ID =
      AtomicLongFieldUpdater.newUpdater(SocketImpl.class, "nextAckId");
  private volatile long nextAckId; // an updater, not an AtomicLong: one object fewer per socket
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
   * over when it accepted the connect, set before the setup handler runs.
   */
  public volatile Object bridge;

  SocketImpl(
      String id, String pid, NamespaceImpl ns, SocketIoRuntime.Connection connection, SocketIoHandshake handshake) {
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
  public SocketIoHandshake handshake() {
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
    long ackId = NEXT_ACK_ID.getAndIncrement(this);
    CompletableFuture<List<Object>> reply = new CompletableFuture<>();
    ConcurrentHashMap<Long, CompletableFuture<List<Object>>> waiting = pendingAcks();
    waiting.put(ackId, reply);
    connection.session.loop().schedule(() -> {
      if (waiting.remove(ackId, reply)) {
        reply.completeExceptionally(new TimeoutException("no acknowledgement within " + timeout));
      }
    }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    send(SocketIoRuntime.encodeEvent(ns.name(), ackId, event, args));
    return reply;
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

  /** On the loop: an event from the client. */
  void onEvent(String event, List<Object> args, long ackId) {
    EventHandler handler = ns.handler(event);
    if (handler == null) {
      log.debug("no handler for event '{}' in {}", LogText.of(event), ns.name());
      NamespaceImpl.Listener listener = ns.listener();
      if (listener != null && ackId >= 0) {
        listener.unknown(this, event, new AckImpl(ackId));
      }
      return;
    }
    Ack ack = new AckImpl(ackId);
    List<Object> arguments = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(args));
    if (ns.inline(event)) {
      try {
        handler.onEvent(this, arguments, ack);
      } catch (Throwable e) {
        Threads.rethrowIfFatal(e);
        log.error("handler for '{}' failed", LogText.of(event), e);
      }
    } else {
      run(() -> handler.onEvent(this, arguments, ack));
    }
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
        log.error("Socket.IO handler failed", e);
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
   * On the loop: the client went away before the socket was connected (during the setup handler):
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
