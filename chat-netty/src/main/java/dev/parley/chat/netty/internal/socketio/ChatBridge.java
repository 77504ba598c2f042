package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.ChatServer;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.Handshake;
import dev.parley.chat.MessageKind;
import dev.parley.chat.netty.internal.engineio.EngineFrame;
import dev.parley.chat.socketio.Ack;
import dev.parley.chat.socketio.ChatEvents;
import dev.parley.chat.socketio.SocketIoClient;
import dev.parley.chat.spi.ClientConnection;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ClientSession;
import dev.parley.chat.spi.CloseCodes;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.spi.TransportLink;
import java.time.Duration;
import java.util.Optional;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link ChatServer} on a Socket.IO namespace: each socket is a chat connection; events become
 * chat requests and server events become emits, as {@link ChatEvents} names them. Acknowledgements
 * take the place of the JSON protocol's request ids.
 *
 * <p>Connection state recovery: each socket keeps its chat state ({@link SessionState}) in the
 * cluster through the runtime's {@link TransportLink}, written as it changes ({@link SessionWriter}),
 * so that it outlives the socket and even this node. When its client reconnects, to any node, with
 * the private id and the offset (the id of the last room message it received), the state is taken
 * and a new chat connection rejoins each room with that offset as {@code since}, before the
 * Socket.IO connect is answered: the chat server then replays exactly what was missed (from the
 * engine's log), under each room's lock, ahead of live traffic, and all of it waits in {@link
 * State#early} until the socket exists. Only if every room recovered does the socket keep its id.
 * The node that took the state tells the others, so that a node still holding the client's old
 * socket (not yet timed out) stops writing its state over the new one.
 */
public final class ChatBridge implements NamespaceImpl.Listener {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ChatBridge.class);
  private static final Pattern PRIVATE = Pattern.compile("^\\s*@([\\p{L}\\p{N}_.\\-]+)\\s+(.*)$", Pattern.DOTALL);
  /** What the chat server's message ids look like; anything else the client calls an offset is not one. */
  private static final Pattern MESSAGE_ID = Pattern.compile("[0-9A-HJKMNP-TV-Z]{13}");
  /** Request ids the bridge makes for itself; the client's are decimal numbers. */
  private static final String RECOVERY_ID = "recover:";
  private static final String ABANDON_ID = "abandon:";
  private static final String UNACKED_ID = "own:";
  /** Socket.IO's reasons after which a client may come back and recover; others were deliberate. */
  private static final Set<String> RECOVERABLE = Set.of("transport close", "transport error", "ping timeout");

  /** As the JSON protocol's history request. */
  private static final int DEFAULT_HISTORY_PAGE = 50;

  private final ChatServer chat;
  private final ChatEvents events;
  /** The events a client sends: each is a chat request. */
  private final Set<String> requestEvents;
  private final String namespace;
  private final SocketIoRuntime runtime;
  /** Where sockets' states are kept; {@code null} when connection state recovery is off. */
  private final TransportLink sessions;
  /** How long a state is kept after its last write. */
  private final Duration window;
  /** Where a recovery continues once the cluster gave the state. */
  private final Executor workers;
  /** This node's sockets that keep a state, by private id. */
  private final ConcurrentHashMap<String, State> live = new ConcurrentHashMap<>();
  /** A fan-out hands every member the same event in a row: encode it once per thread. */
  private final ThreadLocal<Object[]> lastEncoded = ThreadLocal.withInitial(() -> new Object[2]);

  /** Events a connection being accepted or recovered may hold before its socket exists. */
  private int earlyLimit() {
    ChatConfig config = chat.config();
    return config.maxRecoveredMessages() * config.maxRoomsPerConnection() + 1024;
  }

  private ChatBridge(ChatServer chat, ChatEvents events, NamespaceImpl ns, TransportLink sessions) {
    this.chat = chat;
    this.events = events;
    this.requestEvents = Set.copyOf(List.of(events.joinEvent(), events.leaveEvent(), events.messageEvent(),
        events.privateEvent(), events.historyEvent()));
    this.namespace = ns.name();
    this.runtime = ns.runtime();
    this.sessions = sessions;
    this.window = runtime.config().connectionStateRecovery();
    this.workers = runtime.workers();
  }

  /** Serves {@code chat} on the namespace. */
  public static void install(ChatServer chat, ChatEvents events, NamespaceImpl ns) {
    TransportLink sessions = ns.runtime().config().recoversConnectionState() ? ns.runtime().link() : null;
    ChatBridge bridge = new ChatBridge(chat, events, ns, sessions);
    ns.listener(bridge);
    ns.onInline(events.joinEvent(), (client, args, ack) -> {
      Map<?, ?> data = map(args);
      String room = text(data, "roomname", "room");
      state(client).lastRoom = room;
      state(client).session.receive(new ClientRequest.Join(state(client).ackId(ack), room == null ? "" : room,
          text(data, "username", "user")));
    });
    ns.onInline(events.leaveEvent(), (client, args, ack) -> {
      String room = args.isEmpty() ? null : args.get(0) instanceof String s ? s : text(map(args), "roomname", "room");
      state(client).session.receive(new ClientRequest.Leave(state(client).ackId(ack), room == null ? "" : room));
    });
    ns.onInline(events.messageEvent(), (client, args, ack) -> {
      State st = state(client);
      Object first = args.isEmpty() ? null : args.get(0);
      String room = st.lastRoom;
      String text;
      Map<String, Object> data = null;
      if (first instanceof Map<?, ?> m) {
        String r = text(m, "room", "roomname");
        room = r == null ? room : r;
        text = text(m, "message", "text");
      } else {
        text = first == null ? null : String.valueOf(first);
      }
      st.session.receive(new ClientRequest.Send(st.ownId(ack), room == null ? "" : room, text == null ? "" : text, data));
    });
    ns.onInline(events.historyEvent(), (client, args, ack) -> {
      State st = state(client);
      Map<?, ?> data = map(args);
      String room = text(data, "room", "roomname");
      String before = text(data, "before", "before");
      int limit = data.get("limit") instanceof Number n ? (int) Math.max(1, Math.min(n.longValue(), Integer.MAX_VALUE))
          : DEFAULT_HISTORY_PAGE;
      st.session.receive(new ClientRequest.History(st.ackId(ack), room == null ? "" : room, before, limit));
    });
    ns.onInline(events.privateEvent(), (client, args, ack) -> {
      State st = state(client);
      Object first = args.isEmpty() ? null : args.get(0);
      String to = null;
      String text = null;
      if (first instanceof Map<?, ?> m) {
        to = text(m, "target", "to");
        text = text(m, "message", "text");
        if (to != null && to.startsWith("@")) {
          to = to.substring(1);
        }
      } else if (first != null) {
        Matcher pm = PRIVATE.matcher(String.valueOf(first));
        if (pm.matches()) {
          to = pm.group(1);
          text = pm.group(2);
        }
      }
      if (to == null || text == null) {
        bridge.reply((SocketImpl) client, st, st.ackId(ack),
            error("BAD_REQUEST", "Private messages are \"@name text\""));
        return;
      }
      if (st.lastRoom != null) {
        // As the rooms seed: a private message is sent from the room the client is in, and says so.
        st.session.receive(new ClientRequest.Send(st.ackId(ack), st.lastRoom, "@" + to + " " + text, null));
      } else {
        st.session.receive(new ClientRequest.SendPrivate(st.ackId(ack), to, text, null));
      }
    });
  }

  private static final class State {
    volatile ClientSession session;
    /** The chat server closed the connection before {@link #session} was known. */
    volatile boolean closeRequested;
    /** Events sent after the welcome but before the socket existed, replayed in order once it does. */
    final List<ServerEvent> early = new ArrayList<>();
    /** A close asked for in that same window: its code, or 0 for none. */
    int closeEarly;
    /** Set once the Socket.IO socket exists; until then the chat session is being accepted. */
    volatile SocketImpl socket;
    /** Until the socket exists: where the chat server's accept or refusal goes. */
    volatile NamespaceImpl.Decided pending;
    volatile Connection connection;
    volatile String refusal;
    /** The error code of that refusal, which the client's {@code connect_error} carries as its data. */
    volatile String refusalCode;
    volatile String lastRoom;
    private static final AtomicLongFieldUpdater<State> IDS = AtomicLongFieldUpdater.newUpdater(State.class, "ids");
    private volatile long ids; // an updater, not an AtomicLong: one object fewer per socket
    /** Requests waiting for their acknowledgement, by request id; null while none waits. Guarded by this. */
    private Map<String, Ack> acks;
    /** The private session id this socket was given; {@code null} when recovery is off. */
    String pid;
    /** Keeps this socket's state in the cluster, once the socket exists; {@code null} when recovery is off. */
    volatile SessionWriter writer;
    /** The client recovered this socket on another connection: its state is no longer this socket's to write. */
    volatile boolean superseded;
    /** A recovery under way, until the socket exists. */
    Attempt attempt;
    /** The recovery succeeded: its replies are replayed, not dropped. */
    volatile boolean recovered;
    volatile String user;
    /** The chat connection's id, from its welcome: what a recovery of this socket continues. */
    volatile String connectionId;
    /** The rooms the client is in, in the order it joined them, and the newest id each join gave. */
    final Map<String, String> floors = Collections.synchronizedMap(new LinkedHashMap<>(4)); // most join one or two
    /**
     * Room messages this client sent, for as long as a recovery could replay them. Null until the
     * first. Guarded by this.
     */
    private OwnMessageIds ownIds;
    /**
     * Rooms a failed recovery joined and left again: their traffic is not this client's. Immutable,
     * replaced under this; nearly always empty.
     */
    volatile Set<String> abandoned = Set.of();

    String ackId(Ack ack) {
      if (!ack.requested()) {
        return null;
      }
      String id = Long.toString(IDS.incrementAndGet(this));
      synchronized (this) {
        if (acks == null) {
          acks = new HashMap<>(4);
        }
        acks.put(id, ack);
      }
      return id;
    }

    /** The acknowledgement waiting for a request, removed; the map goes once no request waits. */
    synchronized Ack takeAck(String requestId) {
      if (acks == null) {
        return null;
      }
      Ack ack = acks.remove(requestId);
      if (acks.isEmpty()) {
        acks = null;
      }
      return ack;
    }

    /** A request id even when no ack is wanted: the server's ack then tells the message's id. */
    String ownId(Ack ack) {
      String id = ackId(ack);
      return id != null || pid == null ? id : UNACKED_ID + IDS.incrementAndGet(this);
    }

    synchronized void sent(ChatMessage message, ChatConfig config) {
      if (ownIds == null) {
        // Bounded like a recovery, past which recovery fails anyway.
        ownIds = new OwnMessageIds(config.maxRecoveredMessages(), config.recoveryWindow().toMillis());
      }
      ownIds.add(message);
    }

    /**
     * What the dropped socket this one recovers had sent. Before the socket exists, so before any
     * message of its own: its client sends nothing until then.
     */
    synchronized void sentBefore(OwnMessageIds earlier) {
      ownIds = earlier;
    }

    /** For the kept state: the ids, oldest first. */
    synchronized long[] ownIdArray() {
      return ownIds == null ? new long[0] : ownIds.ids();
    }

    /** The state changed: it is written again; the stage completes once that write landed. */
    CompletionStage<Void> changed() {
      SessionWriter w = writer;
      return w == null ? CompletableFuture.completedFuture(null) : w.changed();
    }

    synchronized boolean isOwn(String messageId) {
      return ownIds != null && ownIds.contains(messageId);
    }

    synchronized void abandon(String room) {
      Set<String> more = new HashSet<>(abandoned);
      more.add(room);
      abandoned = Set.copyOf(more);
    }

    synchronized void unabandon(String room) {
      if (abandoned.contains(room)) {
        Set<String> fewer = new HashSet<>(abandoned);
        fewer.remove(room);
        abandoned = Set.copyOf(fewer);
      }
    }
  }

  /** Rejoining a dropped socket's rooms, before the Socket.IO connect is answered. */
  private static final class Attempt {
    final SessionState saved;
    final String offset;
    /** Set once the chat server welcomed the new connection. */
    NamespaceImpl.Decided done;
    /** The welcome and {@code open()} returning race; whichever comes second starts the rejoins. */
    final AtomicInteger untilStart = new AtomicInteger(2);
    /** Request id to room, for the joins not answered yet. */
    final Map<String, String> pending = new LinkedHashMap<>();
    final List<String> joined = new ArrayList<>();
    boolean failed;

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

  /** A chat event with a number out of range: refused as the JSON protocol refuses it, in order. */
  @Override
  public boolean refused(SocketImpl socket, String event, Ack ack, String message) {
    if (!requestEvents.contains(event)) {
      return false;
    }
    State st = state(socket);
    st.session.receive(new ClientRequest.Invalid(st.ackId(ack), ErrorCodes.BAD_REQUEST, message));
    return true;
  }

  private static State state(SocketIoClient client) {
    return (State) ((SocketImpl) client).bridge;
  }

  /** Opens the chat connection first, so that the chat's connect hook decides the Socket.IO connect. */
  @Override
  public void authorize(dev.parley.chat.socketio.SocketIoHandshake handshake, NamespaceImpl.Decided done) {
    State st = new State();
    st.pending = done;
    if (sessions != null) {
      st.pid = NamespaceImpl.randomId();
      if (handshake.auth().get("pid") instanceof String pid) {
        String offset = handshake.auth().get("offset") instanceof String o ? o : null;
        CompletableFuture<Optional<byte[]>> taking = sessions.takeSession(pid).toCompletableFuture();
        if (taking.isDone()) {
          open(st, handshake, taken(taking, pid), offset);
        } else {
          taking.whenCompleteAsync((kept, e) -> open(st, handshake, taken(taking, pid), offset), workers);
        }
        return;
      }
    }
    open(st, handshake, null, null);
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
  @Override
  public void sessionTaken(String pid) {
    supersede(pid);
  }

  private void supersede(String pid) {
    State old = live.remove(pid);
    if (old != null) {
      old.superseded = true;
      SessionWriter w = old.writer;
      if (w != null) {
        w.stop();
      }
      SocketImpl socket = old.socket;
      if (socket != null) {
        socket.disconnect();
      }
    }
  }

  private void open(State st, dev.parley.chat.socketio.SocketIoHandshake handshake, SessionState saved, String offset) {
    if (saved != null) {
      st.attempt = new Attempt(saved, offset);
    }
    st.session = chat.open(new Connection(handshake.http().withAuth(handshake.auth()), st));
    if (st.attempt != null && st.attempt.untilStart.decrementAndGet() == 0) {
      recover(st);
    }
    if (st.closeRequested) {
      st.session.closed(); // refused inside open() (a direct hook executor)
    }
  }

  @Override
  public NamespaceImpl.Ids ids(Object state) {
    State st = (State) state;
    if (st.pid == null) {
      return null;
    }
    if (st.recovered) {
      return new NamespaceImpl.Ids(st.attempt.saved.sid(), st.attempt.saved.pid());
    }
    return new NamespaceImpl.Ids(null, st.pid);
  }

  @Override
  public void connected(SocketImpl socket, Object state) {
    State st = (State) state;
    socket.bridge = st;
    if (st.recovered) {
      SessionState saved = st.attempt.saved;
      st.lastRoom = saved.lastRoom();
      if (saved.ownIds().length > 0) {
        ChatConfig config = chat.config();
        st.sentBefore(OwnMessageIds.of(config.maxRecoveredMessages(), config.recoveryWindow().toMillis(),
            saved.ownIds()));
      }
    }
    Connection connection = st.connection;
    int closeEarly;
    // Until the socket is published, new events keep queueing behind the ones being flushed, so
    // replayed messages always go out before live ones.
    for (;;) {
      List<ServerEvent> early;
      synchronized (st) {
        if (st.early.isEmpty()) {
          st.socket = socket;
          closeEarly = st.closeEarly;
          break;
        }
        early = List.copyOf(st.early);
        st.early.clear();
      }
      for (ServerEvent event : early) {
        connection.deliver(socket, event);
      }
    }
    if (sessions != null && socket.pid() != null) {
      st.writer = new SessionWriter(sessions, socket.pid(), window, () -> snapshot(socket, st), socket.loop());
      live.put(socket.pid(), st);
      st.writer.changed();
    }
    if (closeEarly != 0) {
      end(socket, closeEarly);
    }
  }

  /**
   * Ends a socket the chat server closed. A close as going away (this node left the cluster, a room
   * must be reloaded) asks the client to come back, which a Socket.IO DISCONNECT would not do: a
   * stock client stays away after "io server disconnect". So that one closes the client's whole
   * connection, as a network failure does; the client reconnects by itself (to this node or
   * another) and recovers if it can. Any other close is a DISCONNECT.
   */
  private static void end(SocketImpl socket, int code) {
    if (code == CloseCodes.GOING_AWAY) {
      socket.closeConnection("the chat server asked the client to reconnect");
    } else {
      socket.disconnect();
    }
  }

  private static SessionState snapshot(SocketImpl socket, State st) {
    Map<String, String> floors;
    synchronized (st.floors) {
      floors = new LinkedHashMap<>(st.floors);
    }
    return new SessionState(socket.id(), socket.pid(), st.user, st.connectionId, floors, st.lastRoom, st.ownIdArray());
  }

  @Override
  public void abandoned(Object state) {
    ((State) state).session.closed();
  }

  @Override
  public void disconnected(SocketImpl socket, String reason) {
    State st = (State) socket.bridge;
    if (st == null || st.session == null) {
      return;
    }
    SessionWriter writer = st.writer;
    if (writer != null) {
      live.remove(socket.pid(), st);
      if (st.superseded) {
        writer.stop();
      } else if (RECOVERABLE.contains(reason)) {
        writer.finish(); // what it wrote stays for the recovery window
      } else {
        writer.stop();
        sessions.takeSession(socket.pid()); // a deliberate disconnect: nothing to recover
      }
    }
    st.session.closed();
  }

  /** Called once the chat server accepted the new connection of a recovering client. */
  private void recover(State st) {
    Attempt a = st.attempt;
    List<String> rooms = a.saved.rooms();
    List<ClientRequest.Join> joins = new ArrayList<>();
    synchronized (st) {
      // The client takes the last string argument of any event for an offset: one of the
      // application's own events may have left it something that says nothing about the rooms.
      // A state in no room has nothing to give back: its client is told to join.
      a.failed = !a.saved.inAnyRoom() || (a.offset != null && !MESSAGE_ID.matcher(a.offset).matches());
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
        String id = RECOVERY_ID + i;
        a.pending.put(id, room);
        joins.add(new ClientRequest.Join(id, room, a.saved.user(), since));
      }
    }
    if (joins.isEmpty()) {
      finishRecovery(st);
      return;
    }
    joins.forEach(st.session::receive);
  }

  /**
   * Every room answered: the socket is accepted either way. A failed recovery leaves the rooms it
   * rejoined, so the client, told it did not recover, starts from no room as after any new connect.
   */
  private void finishRecovery(State st) {
    Attempt a = st.attempt;
    if (a.failed) {
      for (String room : a.joined) {
        st.abandon(room);
        st.session.receive(new ClientRequest.Leave(ABANDON_ID + room, room));
      }
    } else {
      st.recovered = true;
    }
    a.done.decided(dev.parley.chat.socketio.ConnectDecision.accept(), st);
  }

  /** Takes a recovery join's answer while the socket does not exist yet; true when all are in. */
  private static boolean answered(Attempt a, ServerEvent event) {
    String id = event instanceof ServerEvent.Joined j ? j.requestId()
        : event instanceof ServerEvent.Error e ? e.requestId() : null;
    String room = id == null ? null : a.pending.remove(id);
    if (room == null) {
      return false;
    }
    if (event instanceof ServerEvent.Joined j) {
      a.joined.add(room);
      a.failed |= !j.recovered();
    } else {
      a.failed = true;
    }
    return a.pending.isEmpty();
  }

  private static Map<?, ?> map(List<Object> args) {
    return !args.isEmpty() && args.get(0) instanceof Map<?, ?> m ? m : Map.of();
  }

  private static String text(Map<?, ?> data, String name, String alternative) {
    Object v = data.get(name);
    if (v == null) {
      v = data.get(alternative);
    }
    return v == null ? null : String.valueOf(v);
  }

  private static Map<String, Object> error(String code, String message) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("error", true);
    e.put("code", code);
    e.put("msg", message);
    return e;
  }

  /** Answers a request: in its acknowledgement if it asked for one, else on the message event. */
  private void reply(SocketImpl socket, State st, String requestId, Object payload) {
    Ack ack = requestId == null ? null : st.takeAck(requestId);
    if (ack != null) {
      ack.send(payload);
    } else if (payload instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("error"))) {
      socket.emit(events.messageEvent(), payload);
    }
  }

  private Map<String, Object> payload(ChatMessage m) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("id", m.id());
    p.put("time", m.time().toEpochMilli());
    if (m.room() != null) {
      p.put("room", m.room());
    }
    p.put("type", m.kind() == MessageKind.ROOM ? events.genericType()
        : m.kind() == MessageKind.PRIVATE ? events.privateType() : events.noticeType());
    if (m.sender() != null) {
      p.put("username", m.sender());
    }
    p.put("message", m.text());
    if (m.recipient() != null) {
      p.put("target", m.recipient());
    }
    if (!m.data().isEmpty()) {
      p.put("data", m.data());
    }
    return p;
  }

  /**
   * The offset a client hands back to recover: the id of a room's message. Private messages and
   * notices outside rooms have none (the client keeps its last offset), as they are recovered from
   * the user's inbox, not from rooms.
   */
  private String offset(ChatMessage m) {
    return sessions != null && m.room() != null && m.kind() != MessageKind.PRIVATE ? m.id() : null;
  }

  private static ChatMessage last(List<ChatMessage> messages) {
    return messages.get(messages.size() - 1);
  }

  /**
   * Shared events (messages, presence, clears) are encoded once per fan-out: {@code args} runs only
   * for the first recipient, so the others build no payload either.
   */
  private List<EngineFrame> shared(ServerEvent event, String name, Supplier<Object[]> args) {
    Object[] last = lastEncoded.get();
    if (last[0] == event) {
      @SuppressWarnings("unchecked")
      List<EngineFrame> frames = (List<EngineFrame>) last[1];
      return frames;
    }
    List<EngineFrame> frames = SocketIoRuntime.encodeEvent(namespace, -1, name, args.get());
    last[0] = event;
    last[1] = frames;
    return frames;
  }

  private final class Connection implements ClientConnection {
    private final Handshake handshake;
    private final State st;

    Connection(Handshake handshake, State st) {
      this.handshake = handshake;
      this.st = st;
      st.connection = this;
    }

    @Override
    public Handshake handshake() {
      return handshake;
    }

    /** A recovering socket continues the chat connection its kept state names, and takes its name. */
    @Override
    public String continues() {
      Attempt a = st.attempt;
      return a == null ? null : a.saved.connectionId();
    }

    /** Before the socket exists the chat server only accepts (welcome) or refuses (error, close). */
    private boolean whileConnecting(ServerEvent event) {
      NamespaceImpl.Decided done = st.pending;
      if (event instanceof ServerEvent.Welcome w && done != null) {
        st.pending = null;
        st.user = w.user();
        st.connectionId = w.connectionId();
        if (st.attempt != null) {
          synchronized (st) {
            st.attempt.done = done;
          }
          if (st.attempt.untilStart.decrementAndGet() == 0) {
            recover(st);
          }
          return true;
        }
        done.decided(dev.parley.chat.socketio.ConnectDecision.accept(), st);
      } else if (event instanceof ServerEvent.Error e) {
        st.refusal = e.message();
        st.refusalCode = e.code();
      }
      return true;
    }

    @Override
    public boolean send(ServerEvent event) {
      SocketImpl socket = st.socket;
      if (socket == null) {
        boolean welcomeOrRefusal = false;
        boolean allAnswered = false;
        synchronized (st) {
          socket = st.socket;
          if (socket == null) {
            if (event instanceof ServerEvent.Welcome || (st.pending != null && event instanceof ServerEvent.Error)) {
              welcomeOrRefusal = true;
            } else {
              // Accepted, or being accepted: a private message to a name the connect hook gave may
              // come before the welcome. Either way it waits for the socket, within a bound: a
              // recovery brings at most maxRecoveredMessages per room, and live traffic meanwhile.
              if (st.early.size() >= earlyLimit()) {
                // Refused like a full outbound queue; the connect timeout ends the attempt.
                return false;
              }
              st.early.add(event);
              allAnswered = st.attempt != null && st.attempt.done != null && answered(st.attempt, event);
            }
          }
        }
        if (welcomeOrRefusal) {
          return whileConnecting(event);
        }
        if (allAnswered) {
          finishRecovery(st);
        }
        if (socket == null) {
          return true;
        }
      }
      return deliver(socket, event);
    }

    /** Turns a chat event into what the Socket.IO client gets. */
    boolean deliver(SocketImpl socket, ServerEvent event) {
      if (!socket.connected()) {
        return false;
      }
      if (isAbandoned(event)) {
        return true;
      }
      if (event instanceof ServerEvent.Message m) {
        socket.send(shared(event, events.messageEvent(), () -> {
          String offset = offset(m.message());
          return offset == null ? new Object[] {payload(m.message())} : new Object[] {payload(m.message()), offset};
        }));
      } else if (event instanceof ServerEvent.Joined j && j.requestId() != null && j.requestId().startsWith(RECOVERY_ID)) {
        replay(socket, j);
      } else if (event instanceof ServerEvent.Error e && e.requestId() != null
          && (e.requestId().startsWith(RECOVERY_ID) || e.requestId().startsWith(ABANDON_ID))) {
        return true; // the failed recovery is told to the client by a new socket id
      } else if (event instanceof ServerEvent.Presence p) {
        socket.send(shared(event, events.presenceEvent(), () -> {
          Map<String, Object> payload = new LinkedHashMap<>();
          payload.put("room", p.room());
          payload.put("username", p.user());
          payload.put("state", p.joined() ? "joined" : "left");
          return new Object[] {payload};
        }));
      } else if (event instanceof ServerEvent.HistoryCleared c) {
        socket.send(shared(event, events.clearedEvent(), () -> {
          Map<String, Object> payload = new LinkedHashMap<>();
          payload.put("room", c.room());
          payload.put("by", c.by());
          return new Object[] {payload};
        }));
      } else if (event instanceof ServerEvent.Joined j) {
        st.user = j.user();
        st.unabandon(j.room());
        st.floors.put(j.room(), j.history().isEmpty() ? st.floors.get(j.room()) : last(j.history()).id());
        st.changed();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("room", j.room());
        payload.put("username", j.user());
        payload.put("members", j.members());
        payload.put("history", j.history().stream().map(ChatBridge.this::payload).toList());
        reply(socket, st, j.requestId(), payload);
      } else if (event instanceof ServerEvent.Left l) {
        if (!st.abandoned.contains(l.room())) {
          st.floors.remove(l.room());
          st.changed();
        }
        reply(socket, st, l.requestId(), Map.of("room", l.room()));
      } else if (event instanceof ServerEvent.History h) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("room", h.room());
        payload.put("messages", h.messages().stream().map(ChatBridge.this::payload).toList());
        reply(socket, st, h.requestId(), payload);
      } else if (event instanceof ServerEvent.Members mem) {
        reply(socket, st, mem.requestId(), Map.of("room", mem.room(), "members", mem.members()));
      } else if (event instanceof ServerEvent.Ack a) {
        Object answer = a.message() == null ? null : payload(a.message());
        if (st.pid != null && a.message() != null && offset(a.message()) != null) {
          st.sent(a.message(), chat.config());
          // Acknowledged only once the kept state says the message is the client's own: a node
          // that dies after the ack leaves a state from which a recovery never replays it to her.
          st.changed().whenComplete((kept, e) -> reply(socket, st, a.requestId(), answer));
        } else {
          reply(socket, st, a.requestId(), answer);
        }
      } else if (event instanceof ServerEvent.Error e) {
        reply(socket, st, e.requestId(), error(e.code(), e.message()));
      }
      return true;
    }

    /** Traffic of a room a failed recovery rejoined, from before the client joined it again. */
    private boolean isAbandoned(ServerEvent event) {
      if (st.abandoned.isEmpty()) {
        return false;
      }
      String room = event instanceof ServerEvent.Message m && m.message().kind() != MessageKind.PRIVATE
          ? m.message().room()
          : event instanceof ServerEvent.Presence p ? p.room()
          : event instanceof ServerEvent.HistoryCleared c ? c.room()
          : event instanceof ServerEvent.Joined j && j.requestId() != null && j.requestId().startsWith(RECOVERY_ID)
              ? j.room()
          : null;
      return room != null && st.abandoned.contains(room);
    }

    /**
     * A recovered room: what the client missed, as the events it would have had, less what it sent
     * itself (never echoed to it).
     */
    private void replay(SocketImpl socket, ServerEvent.Joined j) {
      st.user = j.user();
      String floor = st.attempt.since(j.room());
      for (ChatMessage m : j.history()) {
        if (!st.isOwn(m.id())) {
          socket.emit(events.messageEvent(), payload(m), m.id());
        }
        floor = m.id();
      }
      st.floors.put(j.room(), floor);
    }

    @Override
    public void close(int code, String reason) {
      NamespaceImpl.Decided done = st.pending;
      if (done != null) {
        st.pending = null;
        String message = st.refusal != null ? st.refusal : reason;
        String refusalCode = st.refusalCode;
        done.decided(refusalCode == null ? dev.parley.chat.socketio.ConnectDecision.reject(message)
            : dev.parley.chat.socketio.ConnectDecision.reject(message, Map.of("code", refusalCode)), st);
        st.closeRequested = true;
        ClientSession session = st.session;
        if (session != null) {
          session.closed();
        }
        return;
      }
      SocketImpl socket;
      synchronized (st) {
        socket = st.socket;
        if (socket == null) {
          st.closeEarly = code;
          return;
        }
      }
      end(socket, code);
    }
  }
}
