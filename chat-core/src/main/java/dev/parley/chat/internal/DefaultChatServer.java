package dev.parley.chat.internal;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatException;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.ChatServer;
import dev.parley.chat.ClearHistoryHook;
import dev.parley.chat.ConnectHook;
import dev.parley.chat.ConnectResult;
import dev.parley.chat.ConnectionContext;
import dev.parley.chat.Delivery;
import dev.parley.chat.DisconnectHook;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.HookResult;
import dev.parley.chat.JoinHook;
import dev.parley.chat.LeaveHook;
import dev.parley.chat.MessageContext;
import dev.parley.chat.MessageHook;
import dev.parley.chat.MessageKind;
import dev.parley.chat.RoomContext;
import dev.parley.chat.spi.Broker;
import dev.parley.chat.spi.Broker.Exclusion;
import dev.parley.chat.spi.ClientConnection;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ClientSession;
import dev.parley.chat.spi.CloseCodes;
import dev.parley.chat.spi.LocalDelivery;
import dev.parley.chat.spi.ServerEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one {@link ChatServer} implementation. */
public final class DefaultChatServer implements ChatServer, LocalDelivery {
  private static final Logger log = LoggerFactory.getLogger(ChatServer.class);
  /** Generated names collide rarely; past this many tries the name space is too small or full. */
  private static final int MAX_NAME_ATTEMPTS = 50;
  /** "@name text": a private message typed into a room. */
  private static final Pattern PRIVATE_PREFIX = Pattern.compile("^@([\\p{L}\\p{N}_.\\-]+)\\s+(.*)$", Pattern.DOTALL);

  /**
   * The application's hooks; any may be {@code null}.
   *
   * @param connect connect hook
   * @param join join hook
   * @param message message hook
   * @param leave leave hook
   * @param disconnect disconnect hook
   * @param clearHistory clear-history hook
   */
  public record Hooks(
      ConnectHook connect,
      JoinHook join,
      MessageHook message,
      LeaveHook leave,
      DisconnectHook disconnect,
      ClearHistoryHook clearHistory) {}

  private final Hooks hooks;
  private final ChatConfig config;
  private final Clock clock;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final Broker broker;
  private final MessageIds ids = new MessageIds();
  private final Names names;

  private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
  /** Username to that user's connections; the lists are replaced, never mutated. */
  private final ConcurrentHashMap<String, List<Session>> users = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();

  public DefaultChatServer(Hooks hooks, ChatConfig config, Clock clock, Executor hookExecutor, Broker broker) {
    this.hooks = hooks;
    this.config = config;
    this.clock = clock;
    if (hookExecutor == null) {
      this.ownedExecutor =
          Executors.newFixedThreadPool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), daemonThreads());
      this.executor = ownedExecutor;
    } else {
      this.ownedExecutor = null;
      this.executor = hookExecutor;
    }
    this.broker = broker == null ? new InProcessBroker() : broker;
    this.names = new Names(config.maxUsernameLength(), config.maxRoomNameLength());
    this.broker.bind(this);
  }

  // ---------------------------------------------------------------- connections

  @Override
  public ClientSession open(ClientConnection connection) {
    Session session =
        new Session(
            this,
            connection,
            new SerialExecutor(executor, config.maxPendingRequests()),
            new RateLimiter(clock, config.requestsPerSecond(), config.requestBurst()));
    sessions.put(session.id(), session);
    session.inbox.force(() -> accept(session));
    return session;
  }

  private void accept(Session session) {
    if (session.isClosed()) {
      return;
    }
    ConnectResult result = ConnectResult.accept();
    if (hooks.connect() != null) {
      try {
        result = hooks.connect().onConnect(session.connection.handshake());
      } catch (Throwable e) {
        rethrowIfFatal(e);
        log.error("connect hook failed; refusing the connection", e);
        result = ConnectResult.reject("The server could not accept the connection");
      }
      if (result == null) {
        result = ConnectResult.accept();
      }
    }
    if (!result.accepted()) {
      session.sendError(null, ErrorCodes.CONNECTION_REJECTED, result.reason());
      session.connection.close(CloseCodes.POLICY_VIOLATION, result.reason());
      return;
    }
    if (result.user() != null) {
      if (!names.isValidUsername(result.user())) {
        log.error("connect hook chose an invalid username {}; refusing the connection", result.user());
        session.sendError(null, ErrorCodes.CONNECTION_REJECTED, "The server could not accept the connection");
        session.connection.close(CloseCodes.POLICY_VIOLATION, "invalid identity");
        return;
      }
      session.identityFixed = true;
      if (!claim(result.user(), session)) {
        // A client already chose this name for itself at a join; the two cannot share it.
        String reason = "The name " + result.user() + " is in use by another connection";
        session.sendError(null, ErrorCodes.CONNECTION_REJECTED, reason);
        session.connection.close(CloseCodes.POLICY_VIOLATION, reason);
        return;
      }
      session.user(result.user());
    }
    session.accepted = true;
    session.send(new ServerEvent.Welcome(session.id(), session.user()));
  }

  /** Runs on the session's inbox, after every request it received before closing. */
  void cleanUp(Session session) {
    sessions.remove(session.id());
    for (String room : List.copyOf(session.rooms)) {
      leave(session, room);
    }
    String user = session.user();
    if (user != null) {
      users.computeIfPresent(user, (u, list) -> {
        List<Session> next = new ArrayList<>(list);
        next.remove(session);
        return next.isEmpty() ? null : List.copyOf(next);
      });
    }
    if (session.accepted && hooks.disconnect() != null) {
      try {
        hooks.disconnect().onDisconnect(new ConnectionContext(this, session.info()));
      } catch (Throwable e) {
        rethrowIfFatal(e);
        log.error("disconnect hook failed", e);
      }
    }
  }

  /**
   * Gives a session a username. A name is free when nobody has it; a name the connect hook chose may
   * also be shared by every connection the hook gave it to.
   */
  private boolean claim(String user, Session session) {
    boolean[] claimed = {false};
    users.compute(user, (u, list) -> {
      boolean free = list == null
          || (session.identityFixed && list.stream().allMatch(s -> s.identityFixed));
      if (!free) {
        return list;
      }
      claimed[0] = true;
      List<Session> next = list == null ? new ArrayList<>() : new ArrayList<>(list);
      next.add(session);
      return List.copyOf(next);
    });
    return claimed[0];
  }

  // ---------------------------------------------------------------- requests

  /** Runs on the session's inbox. */
  void handle(Session session, ClientRequest request) {
    if (session.isClosed() || !session.accepted) {
      return;
    }
    try {
      if (request instanceof ClientRequest.Join join) {
        join(session, join);
      } else if (request instanceof ClientRequest.Leave leave) {
        leaveRequest(session, leave);
      } else if (request instanceof ClientRequest.Send send) {
        sendRequest(session, send);
      } else if (request instanceof ClientRequest.SendPrivate pm) {
        privateRequest(session, pm.requestId(), pm.to(), pm.text(), pm.data(), null);
      } else if (request instanceof ClientRequest.Members members) {
        membersRequest(session, members);
      } else if (request instanceof ClientRequest.ClearHistory clear) {
        clearRequest(session, clear);
      } else if (request instanceof ClientRequest.Invalid invalid) {
        throw new ChatException(invalid.code(), invalid.message());
      }
    } catch (ChatException e) {
      session.sendError(request.requestId(), e.code(), e.getMessage());
    } catch (RuntimeException e) {
      // For example a hook's rewrite carrying data that is not JSON: the request fails, visibly.
      log.error("request failed: {}", request, e);
      session.sendError(request.requestId(), ErrorCodes.INTERNAL_ERROR, "The server failed to handle this request");
    }
  }

  private void join(Session session, ClientRequest.Join request) {
    String roomName = request.room();
    if (!names.isValidRoom(roomName)) {
      throw new ChatException(ErrorCodes.INVALID_ROOM_NAME, "Room names are " + names.roomRule());
    }
    if (!session.rooms.contains(roomName) && session.rooms.size() >= config.maxRoomsPerConnection()) {
      throw new ChatException(
          ErrorCodes.TOO_MANY_ROOMS, "A connection may be in at most " + config.maxRoomsPerConnection() + " rooms");
    }
    establishIdentity(session, request.username());
    if (session.rooms.contains(roomName)) {
      Room room = rooms.get(roomName);
      synchronized (room) {
        session.send(new ServerEvent.Joined(
            request.requestId(), roomName, session.user(), room.memberNames(), room.history()));
      }
      return;
    }
    if (hooks.join() != null) {
      HookResult result = callHook(() -> hooks.join().onJoin(new RoomContext(this, session.info(), roomName)));
      if (result instanceof HookResult.Reject reject) {
        throw new ChatException(reject.code(), reject.message());
      }
    }
    for (;;) {
      Room room = roomForJoin(roomName);
      synchronized (room) {
        if (room.removed) {
          continue;
        }
        boolean first = room.add(session);
        session.rooms.add(roomName);
        session.send(new ServerEvent.Joined(
            request.requestId(), roomName, session.user(), room.memberNames(), room.history()));
        if (first) {
          Exclusion others = new Exclusion(null, session.user());
          broker.publishToRoom(roomName, new ServerEvent.Presence(roomName, session.user(), true), others);
          if (config.announcePresence()) {
            appendAndPublish(room, notice(roomName, session.user() + " has joined"), others);
          }
        }
        return;
      }
    }
  }

  private void establishIdentity(Session session, String wanted) {
    String current = session.user();
    if (current != null) {
      if (wanted != null && !wanted.equals(current)) {
        throw new ChatException(
            ErrorCodes.USERNAME_MISMATCH, "This connection is already " + current + "; it cannot join as " + wanted);
      }
      return;
    }
    if (wanted == null) {
      for (int attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
        String name = names.randomUsername(attempt);
        if (claim(name, session)) {
          session.user(name);
          return;
        }
      }
      throw new ChatException(ErrorCodes.USERNAME_TAKEN, "No free username could be generated; choose one");
    }
    if (!names.isValidUsername(wanted)) {
      throw new ChatException(ErrorCodes.INVALID_USERNAME, "Usernames are " + names.usernameRule());
    }
    if (!claim(wanted, session)) {
      throw new ChatException(ErrorCodes.USERNAME_TAKEN, "The name " + wanted + " is taken");
    }
    session.user(wanted);
  }

  private Room roomForJoin(String name) {
    Room room = rooms.get(name);
    if (room != null) {
      return room;
    }
    if (rooms.size() >= config.maxRooms() && !evictOneEmptyRoom()) {
      throw new ChatException(ErrorCodes.TOO_MANY_ROOMS, "The server holds as many rooms as it may");
    }
    Room fresh = new Room(name, config.historySize(), clock.millis());
    room = rooms.putIfAbsent(name, fresh);
    return room == null ? fresh : room;
  }

  /** Drops the least recently active room that nobody is in. */
  private boolean evictOneEmptyRoom() {
    Room oldest = null;
    for (Room room : rooms.values()) {
      if (room.isEmpty() && (oldest == null || room.lastActivityMillis < oldest.lastActivityMillis)) {
        oldest = room;
      }
    }
    if (oldest == null) {
      return false;
    }
    synchronized (oldest) {
      if (!oldest.isEmpty() || oldest.removed) {
        return evictOneEmptyRoom();
      }
      drop(oldest);
      return true;
    }
  }

  /** Caller holds the room's lock. */
  private void drop(Room room) {
    room.removed = true;
    rooms.remove(room.name, room);
  }

  private void leaveRequest(Session session, ClientRequest.Leave request) {
    if (!session.rooms.contains(request.room())) {
      throw notInRoom(request.room());
    }
    leave(session, request.room());
    session.send(new ServerEvent.Left(request.requestId(), request.room()));
  }

  /** Takes a session out of a room, tells the room, then the leave hook. */
  private void leave(Session session, String roomName) {
    Room room = rooms.get(roomName);
    session.rooms.remove(roomName);
    if (room == null) {
      return;
    }
    synchronized (room) {
      if (room.remove(session)) {
        Exclusion nobody = Exclusion.none();
        broker.publishToRoom(roomName, new ServerEvent.Presence(roomName, session.user(), false), nobody);
        if (config.announcePresence()) {
          appendAndPublish(room, notice(roomName, session.user() + " has left"), nobody);
        }
      }
      if (room.isEmpty() && !room.hasHistory()) {
        drop(room);
      }
    }
    if (hooks.leave() != null) {
      try {
        hooks.leave().onLeave(new RoomContext(this, session.info(), roomName));
      } catch (Throwable e) {
        rethrowIfFatal(e);
        log.error("leave hook failed", e);
      }
    }
  }

  private void sendRequest(Session session, ClientRequest.Send request) {
    String roomName = request.room();
    if (session.rooms.isEmpty()) {
      throw new ChatException(ErrorCodes.NOT_IN_ROOM, "You're not part of a room yet");
    }
    if (!session.rooms.contains(roomName)) {
      throw notInRoom(roomName);
    }
    Matcher pm = PRIVATE_PREFIX.matcher(request.text());
    if (pm.matches()) {
      privateRequest(session, request.requestId(), pm.group(1), pm.group(2), request.data(), roomName);
      return;
    }
    checkContent(request.text(), request.data());
    ChatMessage message = message(MessageKind.ROOM, roomName, session.user(), null, request.text(), request.data());
    message = applyMessageHook(session, message);
    if (message == null) {
      ack(session, request.requestId(), null);
      return;
    }
    Room room = rooms.get(roomName);
    synchronized (room) {
      appendAndPublish(room, message, new Exclusion(session.id(), null));
    }
    ack(session, request.requestId(), message);
  }

  private void privateRequest(
      Session session, String requestId, String to, String text, Map<String, Object> data, String room) {
    if (session.user() == null) {
      throw new ChatException(ErrorCodes.NOT_IN_ROOM, "Join a room before sending messages");
    }
    checkContent(text, data);
    if (!users.containsKey(to)) {
      throw unknownUser(to);
    }
    ChatMessage message = message(MessageKind.PRIVATE, room, session.user(), to, text, data);
    message = applyMessageHook(session, message);
    if (message == null) {
      ack(session, requestId, null);
      return;
    }
    broker.publishToUser(to, new ServerEvent.Message(message));
    ack(session, requestId, message);
  }

  private void checkContent(String text, Map<String, Object> data) {
    if (text.length() > config.maxMessageLength()) {
      throw new ChatException(
          ErrorCodes.MESSAGE_TOO_LONG, "Messages are at most " + config.maxMessageLength() + " characters");
    }
    if (text.isBlank() && (data == null || data.isEmpty())) {
      throw new ChatException(ErrorCodes.EMPTY_MESSAGE, "The message has no text");
    }
  }

  /** Returns the message to deliver, or {@code null} when the hook handled it. */
  private ChatMessage applyMessageHook(Session session, ChatMessage message) {
    if (hooks.message() == null) {
      return message;
    }
    ChatMessage draft = message;
    HookResult result = callHook(() -> hooks.message().onMessage(new MessageContext(this, session.info(), draft)));
    if (result instanceof HookResult.Reject reject) {
      throw new ChatException(reject.code(), reject.message());
    }
    if (result instanceof HookResult.Handled) {
      return null;
    }
    if (result instanceof HookResult.Rewrite rewrite) {
      Map<String, ?> data = rewrite.data() == null ? message.data() : rewrite.data();
      @SuppressWarnings("unchecked")
      Map<String, Object> d = (Map<String, Object>) data;
      checkContent(rewrite.text(), d);
      return message.withContent(rewrite.text(), data);
    }
    return message;
  }

  private void ack(Session session, String requestId, ChatMessage message) {
    if (requestId != null) {
      session.send(new ServerEvent.Ack(requestId, message));
    }
  }

  private void membersRequest(Session session, ClientRequest.Members request) {
    if (!session.rooms.contains(request.room())) {
      throw notInRoom(request.room());
    }
    session.send(new ServerEvent.Members(request.requestId(), request.room(), members(request.room())));
  }

  private void clearRequest(Session session, ClientRequest.ClearHistory request) {
    String roomName = request.room();
    if (!session.rooms.contains(roomName)) {
      throw notInRoom(roomName);
    }
    if (hooks.clearHistory() == null) {
      throw new ChatException(ErrorCodes.FORBIDDEN, "Clearing history is not allowed on this server");
    }
    HookResult result =
        callHook(() -> hooks.clearHistory().onClearHistory(new RoomContext(this, session.info(), roomName)));
    if (result instanceof HookResult.Reject reject) {
      throw new ChatException(reject.code(), reject.message());
    }
    if (result instanceof HookResult.Handled) {
      return;
    }
    clear(rooms.get(roomName), session.user());
  }

  private HookResult callHook(HookCall call) {
    try {
      HookResult result = call.call();
      return result == null ? HookResult.accept() : result;
    } catch (ChatException e) {
      return HookResult.reject(e.code(), e.getMessage());
    } catch (Throwable e) {
      rethrowIfFatal(e);
      log.error("hook failed; the request is refused", e);
      return HookResult.reject(ErrorCodes.INTERNAL_ERROR, "The server failed to handle this request");
    }
  }

  @FunctionalInterface
  private interface HookCall {
    HookResult call() throws Exception;
  }

  // ---------------------------------------------------------------- actions

  @Override
  public CompletionStage<Delivery> distributeMsg(String room, String sender, String text, Map<String, ?> data) {
    try {
      return toRoom(room, MessageKind.ROOM, sender, text, data, new Exclusion(null, sender));
    } catch (IllegalArgumentException | NullPointerException e) {
      return failed(e);
    }
  }

  @Override
  public CompletionStage<Delivery> broadcast(String room, String text) {
    try {
      return toRoom(room, MessageKind.NOTICE, null, text, Map.of(), Exclusion.none());
    } catch (IllegalArgumentException | NullPointerException e) {
      return failed(e);
    }
  }

  private CompletionStage<Delivery> toRoom(
      String roomName, MessageKind kind, String sender, String text, Map<String, ?> data, Exclusion except) {
    Room room = rooms.get(roomName);
    if (room == null) {
      return failed(unknownRoom(roomName));
    }
    ChatMessage message = message(kind, roomName, sender, null, text, data);
    CompletionStage<Integer> queued;
    synchronized (room) {
      if (room.removed) {
        return failed(unknownRoom(roomName));
      }
      queued = appendAndPublish(room, message, except);
    }
    return queued.thenApply(n -> new Delivery(message, n));
  }

  @Override
  public CompletionStage<Delivery> sendPrivate(String from, String to, String text, Map<String, ?> data) {
    if (!users.containsKey(to)) {
      return failed(unknownUser(to));
    }
    ChatMessage message;
    try {
      message = message(MessageKind.PRIVATE, null, from, to, text, data);
    } catch (IllegalArgumentException | NullPointerException e) {
      return failed(e);
    }
    return broker.publishToUser(to, new ServerEvent.Message(message)).thenApply(n -> new Delivery(message, n));
  }

  @Override
  public CompletionStage<Delivery> sendSystem(String connectionId, String text) {
    Session session = sessions.get(connectionId);
    if (session == null) {
      return failed(new ChatException(ErrorCodes.UNKNOWN_CONNECTION, "No connection " + connectionId));
    }
    ChatMessage message;
    try {
      message = message(MessageKind.NOTICE, null, null, null, text, Map.of());
    } catch (NullPointerException e) {
      return failed(e);
    }
    boolean queued = session.connection.send(new ServerEvent.Message(message));
    return CompletableFuture.completedFuture(new Delivery(message, queued ? 1 : 0));
  }

  @Override
  public CompletionStage<Integer> disconnect(String user, String reason) {
    List<Session> list = users.get(user);
    if (list == null) {
      return failed(unknownUser(user));
    }
    for (Session session : list) {
      session.connection.close(CloseCodes.DISCONNECTED_BY_SERVER, reason);
    }
    return CompletableFuture.completedFuture(list.size());
  }

  @Override
  public CompletionStage<Void> clearHistory(String roomName) {
    Room room = rooms.get(roomName);
    if (room == null) {
      return failed(unknownRoom(roomName));
    }
    clear(room, null);
    return CompletableFuture.completedFuture(null);
  }

  private void clear(Room room, String by) {
    synchronized (room) {
      room.clearHistory();
      broker.publishToRoom(room.name, new ServerEvent.HistoryCleared(room.name, by), Exclusion.none());
    }
  }

  /** Caller holds the room's lock, so history order is delivery order. */
  private CompletionStage<Integer> appendAndPublish(Room room, ChatMessage message, Exclusion except) {
    room.append(message, message.time().toEpochMilli());
    return broker.publishToRoom(room.name, new ServerEvent.Message(message), except);
  }

  private ChatMessage message(
      MessageKind kind, String room, String sender, String recipient, String text, Map<String, ?> data) {
    long now = clock.millis();
    @SuppressWarnings("unchecked")
    Map<String, Object> d = (Map<String, Object>) data;
    return new ChatMessage(ids.next(now), Instant.ofEpochMilli(now), kind, room, sender, recipient, text, d);
  }

  private ChatMessage notice(String room, String text) {
    return message(MessageKind.NOTICE, room, null, null, text, Map.of());
  }

  // ---------------------------------------------------------------- delivery

  @Override
  public int deliverToRoom(String roomName, ServerEvent event, Exclusion except) {
    Room room = rooms.get(roomName);
    return room == null ? 0 : sendAll(room.members(), event, except);
  }

  @Override
  public int deliverToUser(String user, ServerEvent event) {
    List<Session> list = users.get(user);
    return list == null ? 0 : sendAll(list, event, Exclusion.none());
  }

  /** Queues one event instance to each session, so the transport encodes it once. */
  private static int sendAll(List<Session> sessions, ServerEvent event, Exclusion except) {
    int queued = 0;
    for (Session session : sessions) {
      if (!except.excludes(session.id(), session.user()) && session.connection.send(event)) {
        queued++;
      }
    }
    return queued;
  }

  // ---------------------------------------------------------------- queries

  @Override
  public Set<String> rooms() {
    return Collections.unmodifiableSet(new TreeSet<>(rooms.keySet()));
  }

  @Override
  public List<String> members(String roomName) {
    Room room = rooms.get(roomName);
    if (room == null) {
      return List.of();
    }
    synchronized (room) {
      return room.memberNames();
    }
  }

  @Override
  public List<ChatMessage> history(String roomName) {
    Room room = rooms.get(roomName);
    if (room == null) {
      return List.of();
    }
    synchronized (room) {
      return room.history();
    }
  }

  @Override
  public Set<String> onlineUsers() {
    return Collections.unmodifiableSet(new TreeSet<>(users.keySet()));
  }

  @Override
  public ChatConfig config() {
    return config;
  }

  @Override
  public void close() {
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
  }

  // ---------------------------------------------------------------- helpers

  private static ChatException notInRoom(String room) {
    return new ChatException(ErrorCodes.NOT_IN_ROOM, "You have not joined the room " + room);
  }

  private static ChatException unknownUser(String user) {
    return new ChatException(ErrorCodes.UNKNOWN_USER, "No user named " + user + " is online");
  }

  private static ChatException unknownRoom(String room) {
    return new ChatException(ErrorCodes.UNKNOWN_ROOM, "No room named " + room);
  }

  /** Hooks are application code: any failure is theirs, except the JVM running out of resources. */
  private static void rethrowIfFatal(Throwable e) {
    if (e instanceof VirtualMachineError fatal) {
      throw fatal;
    }
  }

  private static <T> CompletionStage<T> failed(RuntimeException e) {
    return CompletableFuture.failedFuture(e);
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "parley-hook-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
