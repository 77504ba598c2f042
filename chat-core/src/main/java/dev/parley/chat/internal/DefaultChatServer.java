package dev.parley.chat.internal;

import dev.parley.chat.AckTiming;
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
import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.history.InMemoryHistoryStore;
import dev.parley.chat.history.Retention;
import dev.parley.chat.internal.logging.LogText;
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
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one {@link ChatServer} implementation. */
public final class DefaultChatServer implements ChatServer, LocalDelivery {
  private static final Logger log = LoggerFactory.getLogger(ChatServer.class);
  /** Generated names collide rarely; past this many tries the name space is too small or full. */
  private static final int MAX_NAME_ATTEMPTS = 50;
  /** Kept private messages read from the store at a time. */
  private static final int INBOX_PAGE = 100;
  /** The durability of what no store has to keep: a live private message. */
  private static final CompletableFuture<Void> DURABLE = CompletableFuture.completedFuture(null);
  /** Store reads one recovery may make before it gives up rather than read under the room's lock. */
  private static final int MAX_RECOVERY_READS = 3;
  /** The most messages one history request returns. */
  static final int MAX_HISTORY_PAGE = 100;
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
  private final HookDeadline deadline;
  private final Broker broker;
  private final HistoryStore store;
  private final MessageIds ids = new MessageIds();
  private final Names names;
  /** Messages older than this were made by an earlier run of the server. */
  private final long startedMillis;

  private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
  /** Username to that user's connections; the lists are replaced, never mutated. */
  private final ConcurrentHashMap<String, List<Session>> users = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();
  /** Striped locks ordering a user's taking their name against messages being kept for them. */
  private final Object[] inboxLocks = new Object[64];

  public DefaultChatServer(
      Hooks hooks, ChatConfig config, Clock clock, Executor hookExecutor, Broker broker, HistoryStore store) {
    this.store = store != null ? store : new InMemoryHistoryStore(
        Retention.messages(Math.max(config.historySize(), config.maxRecoveredMessages() + 1)), clock);
    try {
      checkRecoveryFitsRetention(config, this.store.retention());
    } catch (IllegalArgumentException e) {
      this.store.close(); // the server owns the store from here on, even one it refuses
      throw e;
    }
    this.hooks = hooks;
    this.config = config;
    this.clock = clock;
    this.startedMillis = clock.millis();
    this.deadline = new HookDeadline(clock, config.hookTimeout());
    if (hookExecutor == null) {
      this.ownedExecutor = HookThreads.create();
      this.executor = ownedExecutor;
    } else {
      this.ownedExecutor = null;
      this.executor = hookExecutor;
    }
    this.broker = broker == null ? new InProcessBroker() : broker;
    this.names = new Names(config.maxUsernameLength(), config.maxRoomNameLength());
    this.broker.bind(this);
    for (int i = 0; i < inboxLocks.length; i++) {
      inboxLocks[i] = new Object();
    }
  }

  private Object inboxLock(String user) {
    return inboxLocks[(user.hashCode() & 0x7fffffff) % inboxLocks.length];
  }

  /**
   * Recovery must never promise messages the store may already have dropped. Finding at most
   * maxRecoveredMessages after the client's id proves none was dropped only if the store keeps more.
   */
  private static void checkRecoveryFitsRetention(ChatConfig config, Retention retention) {
    if (config.maxRecoveredMessages() >= retention.maxMessages()) {
      throw new IllegalArgumentException("maxRecoveredMessages (" + config.maxRecoveredMessages()
          + ") must be smaller than what the history store keeps per room (" + retention.maxMessages() + ")");
    }
    if (config.recoveryWindow().compareTo(retention.maxAge()) > 0) {
      throw new IllegalArgumentException("recoveryWindow (" + config.recoveryWindow()
          + ") exceeds how long the history store keeps messages (" + retention.maxAge() + ")");
    }
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
        result = deadline.call(() -> hooks.connect().onConnect(session.connection.handshake()),
            () -> refuse(session, ErrorCodes.HOOK_TIMEOUT, "The server did not decide about the connection in time"));
      } catch (HookDeadline.Expired e) {
        return; // refused when the deadline passed: no name is claimed, no welcome sent
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
      refuse(session, ErrorCodes.CONNECTION_REJECTED, result.reason());
      return;
    }
    if (result.user() != null) {
      if (!names.isValidUsername(result.user())) {
        log.error("connect hook chose an invalid username {}; refusing the connection", LogText.of(result.user()));
        session.sendError(null, ErrorCodes.CONNECTION_REJECTED, "The server could not accept the connection");
        session.connection.close(CloseCodes.POLICY_VIOLATION, "invalid identity");
        return;
      }
      session.identityFixed = true;
      if (!claim(result.user(), session)) {
        // A client already chose this name for itself at a join; the two cannot share it.
        refuse(session, ErrorCodes.CONNECTION_REJECTED, "The name " + result.user() + " is in use by another connection");
        return;
      }
      session.user(result.user());
    }
    session.accepted = true;
    session.send(new ServerEvent.Welcome(session.id(), session.user()));
    if (session.user() != null) {
      deliverInbox(session);
    }
  }

  /** Refuses a new connection: an error, then the close. Any thread. */
  private static void refuse(Session session, String code, String reason) {
    session.sendError(null, code, reason);
    session.connection.close(CloseCodes.POLICY_VIOLATION, reason);
  }

  /**
   * Sends a user's kept private messages to a connection that just took the name, then removes them.
   * Runs on the session's inbox, before any request that could make the user send or receive more.
   */
  private void deliverInbox(Session session) {
    if (!config.offlineMessages()) {
      return;
    }
    // The name is claimed, so from now on senders deliver live. Taking the user's lock once waits
    // for a sender that saw the user offline to finish keeping its message, so the read sees it.
    synchronized (inboxLock(session.user())) {
      // A barrier only: the read below may block and must not hold up other senders.
    }
    String inbox = HistoryStore.inbox(session.user());
    String after = null; // the newest kept message this connection took
    try {
      for (;;) {
        String from = after;
        List<ChatMessage> page = read(() -> store.after(inbox, from, INBOX_PAGE));
        for (ChatMessage message : page) {
          if (!session.connection.send(new ServerEvent.Message(message))) {
            return; // the connection is closing (its queue is full): the rest stays kept
          }
          after = message.id();
        }
        if (page.size() < INBOX_PAGE) {
          return;
        }
      }
    } catch (ChatException e) {
      // The store cannot be read: what is still kept waits for the user's next connection.
    } finally {
      // Only what a connection took leaves the inbox.
      if (after != null) {
        store.remove(inbox, after);
      }
    }
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
      } else if (request instanceof ClientRequest.History page) {
        historyRequest(session, page);
      } else if (request instanceof ClientRequest.ClearHistory clear) {
        clearRequest(session, clear);
      } else if (request instanceof ClientRequest.Invalid invalid) {
        throw new ChatException(invalid.code(), invalid.message());
      }
    } catch (ChatException e) {
      session.sendError(request.requestId(), e.code(), e.getMessage());
    } catch (HookDeadline.Expired e) {
      // Refused with HOOK_TIMEOUT when the deadline passed; what the hook decided since is dropped.
    } catch (RuntimeException e) {
      // For example a hook's rewrite carrying data that is not JSON: the request fails, visibly.
      log.error("request failed: {}", LogText.of(request), e);
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
    long since = request.since() == null ? -1 : idMillis(request.since(), "since");
    boolean newIdentity = session.user() == null;
    establishIdentity(session, request.username());
    if (newIdentity) {
      deliverInbox(session);
    }
    if (session.rooms.contains(roomName)) {
      Room room = rooms.get(roomName);
      synchronized (room) {
        session.send(new ServerEvent.Joined(
            request.requestId(), roomName, session.user(), room.memberNames(), room.history(), false));
      }
      return;
    }
    if (hooks.join() != null) {
      HookResult result =
          callHook(session, request.requestId(), () -> hooks.join().onJoin(new RoomContext(this, session.info(), roomName)));
      if (result instanceof HookResult.Reject reject) {
        throw new ChatException(reject.code(), reject.message());
      }
    }
    boolean recoverable = since >= 0
        && clock.millis() - since <= config.recoveryWindow().toMillis()
        // What an earlier run kept in memory is gone, and nothing can tell how much of it there was.
        && (since >= startedMillis || store.persistent());
    // What a recovery read from the store (outside the room's lock), and the newest id it covers.
    List<ChatMessage> fetched = new ArrayList<>();
    String known = request.since();
    int reads = 0;
    Room readFor = null;
    int clearsAtRead = 0;
    for (;;) {
      Room room = roomForJoin(roomName);
      boolean readMore = false;
      int clears;
      synchronized (room) {
        if (room.removed) {
          continue;
        }
        clears = room.clears;
        if (room == readFor && clears != clearsAtRead) {
          // Cleared since the store was read: what the read found is gone, and so is all before.
          fetched.clear();
          known = request.since();
        }
        List<ChatMessage> missed = null;
        // An id past the newest this server made or loaded (the room's newest was loaded with the
        // room) names no message it knows: nothing can vouch that the client missed nothing. An id
        // of another room is fine (Socket.IO's one offset for all rooms is one): ids are global.
        boolean vouched = recoverable && !ids.isAfterNewest(request.since());
        if (vouched && fetched.size() <= config.maxRecoveredMessages()) {
          // The room's in-memory messages cover everything after `known` unless more arrived than
          // it holds; then the store is read again, never under the lock, which a slow store
          // would hold up every sender of the room with.
          List<ChatMessage> recent = room.historyAfter(known);
          if (recent == null && room == readFor && (room.lastId == null || room.lastId.compareTo(known) <= 0)) {
            // Nothing entered the room since the read (every append sets lastId): it was complete.
            recent = List.of();
          }
          if (recent != null) {
            missed = new ArrayList<>(fetched);
            missed.addAll(recent);
            missed = missed.size() > config.maxRecoveredMessages() ? null : List.copyOf(missed);
          } else {
            readMore = reads < MAX_RECOVERY_READS;
          }
        }
        if (!readMore) {
          join(session, request.requestId(), room, missed);
          return;
        }
      }
      String from = known;
      List<ChatMessage> more = read(() -> store.after(roomName, from, config.maxRecoveredMessages() + 1));
      reads++;
      readFor = room;
      clearsAtRead = clears;
      fetched.addAll(more);
      if (!more.isEmpty()) {
        known = more.get(more.size() - 1).id();
      }
    }
  }

  /**
   * Adds a session to a room and answers its join with the missed messages, or, when {@code missed}
   * is {@code null}, the recent history. Caller holds the room's lock.
   */
  private void join(Session session, String requestId, Room room, List<ChatMessage> missed) {
    String roomName = room.name;
    boolean first = room.add(session);
    session.addRoom(roomName);
    session.send(new ServerEvent.Joined(requestId, roomName, session.user(), room.memberNames(),
        missed == null ? room.history() : missed, missed != null));
    if (first) {
      Exclusion others = new Exclusion(null, session.user());
      broker.publishToRoom(roomName, new ServerEvent.Presence(roomName, session.user(), true), others);
      if (config.announcePresence()) {
        announce(room, session.user() + " has joined", others);
      }
    }
  }

  /** The time a message id a client sent was made at; refuses text that is no message id. */
  private static long idMillis(String id, String field) {
    long millis = MessageIds.millis(id);
    if (millis < 0) {
      throw new ChatException(ErrorCodes.BAD_REQUEST, "Field '" + field + "' is not a message id");
    }
    return millis;
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
    // Loaded before the room is visible: until then nothing can be appended to its stream.
    // At least the newest one, so that the room knows its newest id even when it keeps no history.
    List<ChatMessage> stored = read(() -> store.before(name, null, Math.max(1, config.historySize())));
    if (!stored.isEmpty()) {
      ids.advancePast(stored.get(stored.size() - 1).id());
    }
    Room fresh = new Room(name, config.historySize(), clock.millis(), stored);
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
    session.removeRoom(roomName);
    if (room == null) {
      return;
    }
    synchronized (room) {
      if (room.remove(session)) {
        Exclusion nobody = Exclusion.none();
        broker.publishToRoom(roomName, new ServerEvent.Presence(roomName, session.user(), false), nobody);
        if (config.announcePresence()) {
          announce(room, session.user() + " has left", nobody);
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
    message = applyMessageHook(session, request.requestId(), message);
    if (message == null) {
      ack(session, request.requestId(), null);
      return;
    }
    Room room = rooms.get(roomName);
    Published published;
    synchronized (room) {
      published = appendAndPublish(room, message, new Exclusion(session.id(), null));
    }
    ackWhenDurable(session, request.requestId(), published.message(), published.durable());
  }

  /** Acknowledges now, or once the store made the message durable, as configured. */
  private void ackWhenDurable(Session session, String requestId, ChatMessage message, CompletionStage<Void> durable) {
    if (requestId == null) {
      return;
    }
    if (config.ackTiming() == AckTiming.ON_RECEIPT) {
      ack(session, requestId, message);
      return;
    }
    durable.whenComplete((done, failure) -> {
      if (failure == null) {
        ack(session, requestId, message);
      } else {
        log.error("history store failed to keep message {}", message.id(), failure);
        session.sendError(requestId, ErrorCodes.HISTORY_UNAVAILABLE, "The message was sent but could not be kept");
      }
    });
  }

  private void privateRequest(
      Session session, String requestId, String to, String text, Map<String, Object> data, String room) {
    if (session.user() == null) {
      throw new ChatException(ErrorCodes.NOT_IN_ROOM, "Join a room before sending messages");
    }
    checkContent(text, data);
    if (!mayReceive(to)) {
      throw unknownUser(to);
    }
    ChatMessage message = message(MessageKind.PRIVATE, room, session.user(), to, text, data);
    message = applyMessageHook(session, requestId, message);
    if (message == null) {
      ack(session, requestId, null);
      return;
    }
    ackWhenDurable(session, requestId, message, deliverPrivate(message).durable());
  }

  /** Whether a private message to {@code to} can be taken: they are online, or it can be kept for them. */
  private boolean mayReceive(String to) {
    return users.containsKey(to) || (config.offlineMessages() && to != null && names.isValidUsername(to));
  }

  /**
   * Delivers a private message to its recipient's connections, or keeps it in their inbox (then it
   * reaches no connection now) when they have none and offline messages are on.
   */
  private Published deliverPrivate(ChatMessage message) {
    String to = message.recipient();
    if (!config.offlineMessages()) {
      return new Published(message, broker.publishToUser(to, new ServerEvent.Message(message)), DURABLE);
    }
    // The user's lock orders this against their taking the name (see deliverInbox): a message is
    // either delivered live or kept where their next connection will read it.
    synchronized (inboxLock(to)) {
      if (users.containsKey(to)) {
        CompletionStage<Integer> delivered = broker.publishToUser(to, new ServerEvent.Message(message));
        Integer took = delivered.toCompletableFuture().getNow(null);
        if (took == null || took > 0) {
          return new Published(message, delivered, DURABLE);
        }
        // Every connection of the user refused it: they are closing. Kept, like for a user gone.
      }
      CompletableFuture<Void> kept = store.append(HistoryStore.inbox(to), message).toCompletableFuture();
      if (kept.isCompletedExceptionally()) {
        throw historyUnavailable();
      }
      return new Published(message, CompletableFuture.completedFuture(0), kept);
    }
  }

  private void checkContent(String text, Map<String, Object> data) {
    if (text.length() > config.maxMessageLength()) {
      throw new ChatException(
          ErrorCodes.MESSAGE_TOO_LONG, "Messages are at most " + config.maxMessageLength() + " characters");
    }
    if (text.isBlank() && (data == null || data.isEmpty())) {
      throw new ChatException(ErrorCodes.EMPTY_MESSAGE, "The message has no text");
    }
    if (text.indexOf('\u0000') >= 0) {
      // No client shows it, and databases such as PostgreSQL cannot store it in text.
      throw new ChatException(ErrorCodes.BAD_REQUEST, "Messages may not contain NUL characters");
    }
  }

  /** Returns the message to deliver, or {@code null} when the hook handled it. */
  private ChatMessage applyMessageHook(Session session, String requestId, ChatMessage message) {
    if (hooks.message() == null) {
      return message;
    }
    ChatMessage draft = message;
    HookResult result = callHook(session, requestId, () -> hooks.message().onMessage(new MessageContext(this, session.info(), draft)));
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

  private void historyRequest(Session session, ClientRequest.History request) {
    if (!session.rooms.contains(request.room())) {
      throw notInRoom(request.room());
    }
    if (request.before() != null) {
      idMillis(request.before(), "before");
    }
    int limit = Math.max(1, Math.min(request.limit(), MAX_HISTORY_PAGE));
    session.send(new ServerEvent.History(request.requestId(), request.room(),
        read(() -> store.before(request.room(), request.before(), limit))));
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
        callHook(session, request.requestId(), () -> hooks.clearHistory().onClearHistory(new RoomContext(this, session.info(), roomName)));
    if (result instanceof HookResult.Reject reject) {
      throw new ChatException(reject.code(), reject.message());
    }
    if (result instanceof HookResult.Handled) {
      return;
    }
    clear(rooms.get(roomName), session.user());
  }

  /**
   * Calls a hook that decides about a request, held to the hook deadline.
   *
   * @throws HookDeadline.Expired if the hook missed it; the client got {@code HOOK_TIMEOUT}
   */
  private HookResult callHook(Session session, String requestId, HookCall call) {
    try {
      HookResult result = deadline.call(call::call,
          () -> session.sendError(requestId, ErrorCodes.HOOK_TIMEOUT, "The server did not decide about the request in time"));
      return result == null ? HookResult.accept() : result;
    } catch (HookDeadline.Expired e) {
      throw e;
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
    Published published;
    synchronized (room) {
      if (room.removed) {
        return failed(unknownRoom(roomName));
      }
      try {
        published = appendAndPublish(room, message, except);
      } catch (ChatException e) {
        return failed(e);
      }
    }
    return delivery(published);
  }

  /** What a send action completes with: once queued, or also durable, as configured. */
  private CompletionStage<Delivery> delivery(Published published) {
    CompletionStage<Integer> delivered = published.delivered();
    if (config.ackTiming() == AckTiming.ON_COMMIT) {
      delivered = published.durable().thenCombine(delivered, (durable, n) -> n);
    }
    return delivered.thenApply(n -> new Delivery(published.message(), n));
  }

  @Override
  public CompletionStage<Delivery> sendPrivate(String from, String to, String text, Map<String, ?> data) {
    if (!mayReceive(to)) {
      return failed(unknownUser(to));
    }
    ChatMessage message;
    try {
      message = message(MessageKind.PRIVATE, null, from, to, text, data);
    } catch (IllegalArgumentException | NullPointerException e) {
      return failed(e);
    }
    try {
      return delivery(deliverPrivate(message));
    } catch (ChatException e) {
      return failed(e);
    }
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
      store.remove(room.name, null);
      broker.publishToRoom(room.name, new ServerEvent.HistoryCleared(room.name, by), Exclusion.none());
    }
  }

  /**
   * Keeps a message in the room's history and delivers it. Caller holds the room's lock, so history
   * order is delivery order. A store that cannot even queue it refuses it before anyone sees it.
   */
  private Published appendAndPublish(Room room, ChatMessage message, Exclusion except) {
    if (!ids.isNewest(message.id())) {
      // Another message got a newer id while this one waited (in a message hook, or for the lock):
      // a new id keeps ids in delivery order, in this room (so recovery "after id X" is exact) and,
      // but for the instant between here and the fan-out, across rooms.
      long now = clock.millis();
      message = message.toBuilder().id(ids.next(now)).time(Instant.ofEpochMilli(now)).build();
    }
    CompletableFuture<Void> durable = store.append(room.name, message).toCompletableFuture();
    if (durable.isCompletedExceptionally()) {
      throw historyUnavailable();
    }
    room.append(message, message.time().toEpochMilli());
    return new Published(message, broker.publishToRoom(room.name, new ServerEvent.Message(message), except), durable);
  }

  /**
   * A message on its way, with its final id: to its recipients (how many connections it was queued
   * to), and into the history store (when it is durable there).
   */
  private record Published(ChatMessage message, CompletionStage<Integer> delivered, CompletionStage<Void> durable) {}

  /** A join or leave notice; under overload the store may refuse it, and the room goes without. */
  private void announce(Room room, String text, Exclusion except) {
    try {
      appendAndPublish(room, notice(room.name, text), except);
    } catch (ChatException e) {
      log.warn("notice \"{}\" in {} dropped: {}", LogText.of(text), LogText.of(room.name), e.getMessage());
    }
  }

  private ChatMessage message(
      MessageKind kind, String room, String sender, String recipient, String text, Map<String, ?> data) {
    long now = clock.millis();
    return ChatMessage.builder(ids.next(now), Instant.ofEpochMilli(now), kind, text)
        .room(room)
        .sender(sender)
        .recipient(recipient)
        .data(data)
        .build();
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
    deadline.close();
    store.close();
  }

  // ---------------------------------------------------------------- helpers

  private static ChatException notInRoom(String room) {
    return new ChatException(ErrorCodes.NOT_IN_ROOM, "You have not joined the room " + room);
  }

  private static ChatException unknownUser(String user) {
    return new ChatException(ErrorCodes.UNKNOWN_USER, "No user named " + user + " is online");
  }

  /** A store read; a store that fails is the client's {@code HISTORY_UNAVAILABLE}, not a server bug. */
  private List<ChatMessage> read(Supplier<List<ChatMessage>> read) {
    try {
      return read.get();
    } catch (RuntimeException e) {
      log.error("history store read failed", e);
      throw new ChatException(ErrorCodes.HISTORY_UNAVAILABLE, "History cannot be read right now; try again later");
    }
  }

  private static ChatException historyUnavailable() {
    return new ChatException(
        ErrorCodes.HISTORY_UNAVAILABLE, "The server cannot keep messages right now; try again later");
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
}
