package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.netty.internal.CloseReason;
import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.cluster.MessageIds;
import dev.parley.chat.ConnectDecision;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.spi.TransportLink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Socket.IO's connection state recovery for the chat namespace. Each socket keeps its chat state
 * ({@link SessionState}) in the cluster through the runtime's {@link TransportLink}, written as it
 * changes ({@link SessionWriter}), so that it outlives the socket and even this node. When its
 * client reconnects, to any node, with the private id and the offset (the id of the last room
 * message it received), the state is taken and a new chat connection rejoins each room with that
 * offset as {@code since}, before the Socket.IO connect is answered: the chat server then replays
 * exactly what was missed (from the engine's log), under each room's lock, ahead of live traffic,
 * and all of it waits in {@link EarlyEvents} until the socket exists. Only if every room recovered
 * does the socket keep its id. The node that took the state tells the others, so that a node still
 * holding the client's old socket (not yet timed out) stops writing its state over the new one.
 * Thread-safe.
 */
final class ChatRecovery {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ChatRecovery.class);

  private final TransportLink sessions;
  private final Duration window;
  private final Executor workers;
  private final SocketIoRuntime runtime;
  private final String namespace;
  private final ChatConfig config;
  /** This node's sockets that keep a state, by private id. */
  private final ConcurrentHashMap<String, ChatSocket> live = new ConcurrentHashMap<>();

  ChatRecovery(TransportLink sessions, SocketIoRuntime runtime, String namespace, ChatConfig config) {
    this.sessions = sessions;
    this.window = runtime.config().connectionStateRecovery();
    this.workers = runtime.workers();
    this.runtime = runtime;
    this.namespace = namespace;
    this.config = config;
  }

  /** Rejoining a dropped socket's rooms, before the Socket.IO connect is answered. Guarded by this. */
  static final class Attempt {
    final SessionState saved;
    final String offset;
    /** Set once the chat server welcomed the new connection. */
    NamespaceImpl.Decided done;
    /** The welcome and {@code open()} returning race; whichever comes second starts the rejoins. */
    final AtomicInteger untilStart = new AtomicInteger(2);
    /** The request ids of the joins not answered yet. */
    final Set<String> pending = new LinkedHashSet<>();
    final List<String> joined = new ArrayList<>();
    boolean failed;
    /** Set once {@link #refused} kept the state again. */
    final java.util.concurrent.atomic.AtomicBoolean keptAgain = new java.util.concurrent.atomic.AtomicBoolean();

    Attempt(SessionState saved, String offset) {
      this.saved = saved;
      this.offset = offset;
    }

    /**
     * Where the client's view of a room ends: the later of the offset it presented and what its
     * join gave it. Ids of one server compare in time order as text.
     */
    String since(String room) {
      String floor = saved.floors().get(room);
      if (offset == null) {
        return floor;
      }
      return floor == null || offset.compareTo(floor) > 0 ? offset : floor;
    }
  }

  /**
   * A client presents a private id: takes the state kept for it, then calls {@code open} with it
   * (or {@code null}) and the offset, at once or on a worker once the cluster answered.
   */
  void take(String pid, String offset, BiConsumer<SessionState, String> open) {
    CompletableFuture<Optional<byte[]>> taking = sessions.takeSession(pid).toCompletableFuture();
    if (taking.isDone()) {
      open.accept(taken(taking, pid), offset);
    } else {
      taking.whenCompleteAsync((kept, e) -> open.accept(taken(taking, pid), offset), workers);
    }
  }

  /** The state the cluster kept for a private id, or {@code null}; the node that held it is told. */
  private SessionState taken(CompletableFuture<Optional<byte[]>> taking, String pid) {
    SessionState saved;
    try {
      saved = taking.join().map(SessionState::decode).orElse(null);
    } catch (RuntimeException e) {
      // The cluster is unavailable, or a state of another version: the client connects afresh.
      log.debug("no Socket.IO session to recover: {}", e.toString());
      return null;
    }
    if (saved == null || !saved.pid().equals(pid)) {
      return null;
    }
    supersede(pid);
    runtime.relaySessionTaken(namespace, pid);
    return saved;
  }

  /**
   * Another connection took this private id's state: it continues this socket's session (its client
   * came back, perhaps before this node noticed it had gone), so the socket still holding it here
   * writes it no more and is disconnected: one session has one socket.
   */
  void supersede(String pid) {
    ChatSocket old = live.remove(pid);
    if (old != null) {
      old.superseded = true;
      SessionWriter w = old.writer;
      if (w != null) {
        w.stop();
      }
      SocketImpl socket = old.early.socket();
      if (socket != null) {
        socket.disconnect();
      }
    }
  }

  /**
   * A recovering client's connect was refused (by the chat's connect hook or a connect middleware)
   * or abandoned before its socket existed: the state it took is kept again, for a whole recovery
   * window from now, so that a retry (with credentials that now hold, say) can still recover, as if
   * this attempt had not been made. At most once per attempt.
   */
  void refused(ChatSocket st) {
    Attempt a = st.attempt;
    if (a != null && a.keptAgain.compareAndSet(false, true)) {
      SessionState kept = a.saved;
      String attempt = st.connectionId;
      if (attempt != null) {
        // This attempt's chat connection may hold the user's name by now (its recovery joins ran
        // while the middleware decided), and lets go of it only when its clean-up has run: a retry
        // continues this connection, so that it takes the name over rather than finding it in use.
        kept = new SessionState(kept.sid(), kept.pid(), kept.user(), attempt, kept.floors(), kept.lastRoom(),
            kept.ownIds());
      }
      sessions.keepSession(kept.pid(), kept.encode(), window);
    }
  }

  /** The socket exists: a recovered one takes over what its dropped socket had sent. */
  void restore(ChatSocket st) {
    SessionState saved = st.attempt.saved;
    st.lastRoom = saved.lastRoom();
    if (saved.ownIds().length > 0) {
      st.sentBefore(OwnMessageIds.of(config.maxRecoveredMessages(), config.recoveryWindow().toMillis(),
          saved.ownIds()));
    }
  }

  /** The socket exists and has a private id: its state is kept from now on. */
  void keep(SocketImpl socket, ChatSocket st) {
    st.writer = new SessionWriter(sessions, socket.pid(), window, st, socket.loop());
    live.put(socket.pid(), st);
    st.writer.changed();
  }

  /** The socket is gone: what it wrote stays for its client to recover, unless it left on purpose. */
  void disconnected(SocketImpl socket, ChatSocket st, CloseReason reason) {
    SessionWriter writer = st.writer;
    if (writer == null) {
      return;
    }
    live.remove(socket.pid(), st);
    if (st.superseded) {
      writer.stop();
    } else if (reason.recoverable()) {
      writer.finish(); // what it wrote stays for the recovery window
    } else {
      writer.stop();
      sessions.takeSession(socket.pid()); // a deliberate disconnect: nothing to recover
    }
  }

  /** Called once the chat server accepted the new connection of a recovering client. */
  void recover(ChatSocket st) {
    Attempt a = st.attempt;
    List<String> rooms = a.saved.rooms();
    List<ClientRequest.Join> joins = new ArrayList<>();
    synchronized (a) {
      // The client takes the last string argument of any event for an offset: one of the
      // application's own events may have left it something that says nothing about the rooms.
      // A state in no room has nothing to give back: its client is told to join.
      a.failed = !a.saved.inAnyRoom() || (a.offset != null && !MessageIds.isId(a.offset));
      for (int i = 0; i < rooms.size() && !a.failed; i++) {
        String room = rooms.get(i);
        String since = a.since(room);
        if (since == null) {
          // Nothing says where the client's view of this room ends: it cannot be caught up exactly.
          a.failed = true;
          a.pending.clear();
          joins.clear();
          break;
        }
        String id = st.correlations.open(new Correlation.RecoveryJoin(room));
        a.pending.add(id);
        joins.add(new ClientRequest.Join(id, room, a.saved.user(), since));
      }
    }
    if (joins.isEmpty()) {
      finish(st);
      return;
    }
    joins.forEach(st.session::receive);
  }

  /**
   * Every room answered: the socket is accepted either way. A failed recovery leaves the rooms it
   * rejoined, so the client, told it did not recover, starts from no room as after any new connect.
   */
  void finish(ChatSocket st) {
    Attempt a = st.attempt;
    List<String> rejoined;
    boolean failed;
    NamespaceImpl.Decided done;
    synchronized (a) {
      rejoined = List.copyOf(a.joined);
      failed = a.failed;
      done = a.done;
    }
    if (failed) {
      for (String room : rejoined) {
        st.abandon(room);
        st.session.receive(new ClientRequest.Leave(st.correlations.open(new Correlation.AbandonLeave(room)), room));
      }
    } else {
      st.recovered = true;
    }
    done.decided(ConnectDecision.accept(), st);
  }

  /**
   * Takes a recovery join's answer while the socket does not exist yet.
   *
   * @return true when this was the last one: the recovery can finish
   */
  static boolean answered(ChatSocket st, ServerEvent event) {
    Attempt a = st.attempt;
    String id = event instanceof ServerEvent.Joined j ? j.requestId()
        : event instanceof ServerEvent.Error e ? e.requestId() : null;
    if (a == null || id == null || !(st.correlations.peek(id) instanceof Correlation.RecoveryJoin join)) {
      return false;
    }
    synchronized (a) {
      if (a.done == null || !a.pending.remove(id)) {
        return false;
      }
      if (event instanceof ServerEvent.Joined j) {
        a.joined.add(join.room());
        a.failed |= !j.recovered();
      } else {
        a.failed = true;
      }
      return a.pending.isEmpty();
    }
  }

  /** The welcome came: the recovery may start once {@code open()} has returned too. */
  static boolean welcomed(ChatSocket st, NamespaceImpl.Decided done) {
    Attempt a = st.attempt;
    synchronized (a) {
      a.done = done;
    }
    return a.untilStart.decrementAndGet() == 0;
  }

  /**
   * A recovered room: what the client missed, as the events it would have had, less what it sent
   * itself (never echoed to it). A message the client had (older than its offset, or its own) that
   * was changed since comes as {@code edited} or {@code deleted}; a message it never had comes as
   * {@code new message}, in its current version. Each under its place in the room's order (its
   * revision, if changed), which becomes the offset.
   */
  void replay(SocketImpl socket, ChatSocket st, ServerEvent.Joined j, ChatEmits emits) {
    st.user = j.user();
    String since = st.attempt.since(j.room());
    String floor = since;
    for (ChatMessage m : j.history()) {
      String place = m.revision() != null ? m.revision() : m.id();
      if (!st.isOwn(place)) {
        boolean had = m.revision() != null && ((since != null && m.id().compareTo(since) <= 0) || st.isOwn(m.id()));
        String event = !had ? emits.events().messageEvent()
            : m.deleted() ? emits.events().deletedEvent() : emits.events().editedEvent();
        socket.emit(event, emits.payload(m), place);
      }
      floor = place;
    }
    st.floors.put(j.room(), floor);
  }
}
