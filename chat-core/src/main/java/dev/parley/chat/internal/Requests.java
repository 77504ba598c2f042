package dev.parley.chat.internal;

import dev.parley.chat.AckTiming;
import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatException;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.ChatServer;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.Decision;
import dev.parley.chat.MessageDecision;
import dev.parley.chat.MessageContext;
import dev.parley.chat.MessageKind;
import dev.parley.chat.RoomContext;
import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.cluster.Exclusion;
import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.internal.logging.LogText;
import dev.parley.chat.internal.logging.OutageLog;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.PrivatePrefix;
import dev.parley.chat.spi.ServerEvent;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's requests, each handled on its session's inbox (a hook thread), one at a time: checked,
 * put to the hooks, then carried out through the rooms, the offline inbox and the engine, whose
 * stages it waits for (see {@link Stages}). Thread-safe; one per server.
 */
final class Requests {
  private static final Logger log = LoggerFactory.getLogger(ChatServer.class);
  /** The most messages one history request returns. */
  static final int MAX_HISTORY_PAGE = 100;

  private final ChatServer server;
  private final ChatConfig config;
  private final HookPolicy hooks;
  private final ClusterEngine engine;
  private final HistoryStore store;
  private final Identities identities;
  private final RoomRegistry registry;
  private final RoomMembership membership;
  private final OfflineInbox inbox;
  private final Drafts drafts;
  private final TypingIndicators typing;
  private final Moderation moderation;
  private final Receipts receipts;
  private final ChatMetrics metrics;
  private final MessageChanges changes;

  Requests(ChatServer server, ChatConfig config, HookPolicy hooks, ClusterEngine engine, HistoryStore store,
      Identities identities, RoomRegistry registry, RoomMembership membership, OfflineInbox inbox, Drafts drafts,
      TypingIndicators typing, Moderation moderation, Receipts receipts, ChatMetrics metrics) {
    this.receipts = receipts;
    this.typing = typing;
    this.moderation = moderation;
    this.metrics = metrics;
    this.server = server;
    this.config = config;
    this.hooks = hooks;
    this.engine = engine;
    this.store = store;
    this.identities = identities;
    this.registry = registry;
    this.membership = membership;
    this.inbox = inbox;
    this.drafts = drafts;
    this.changes = new MessageChanges(server, config, hooks, engine, store, registry, moderation, this, drafts);
  }

  /** Edits and deletions, for the server's own actions. */
  MessageChanges changes() {
    return changes;
  }

  /** Runs on the session's inbox. */
  void handle(Session session, ClientRequest request) {
    if (session.isClosed() || !session.accepted) {
      return;
    }
    try {
      if (request instanceof ClientRequest.Join join) {
        join(session, join);
      } else if (request instanceof ClientRequest.Leave leave) {
        leave(session, leave);
      } else if (request instanceof ClientRequest.Send send) {
        send(session, send);
      } else if (request instanceof ClientRequest.SendPrivate pm) {
        metrics.messageReceived(MessageKind.PRIVATE);
        if (pm.room() != null) {
          checkSendsTo(session, pm.room());
        }
        sendPrivate(session, pm.requestId(), pm.to(), pm.text(), pm.data(), pm.room());
      } else if (request instanceof ClientRequest.Members members) {
        members(session, members);
      } else if (request instanceof ClientRequest.History page) {
        history(session, page);
      } else if (request instanceof ClientRequest.ClearHistory clear) {
        clear(session, clear);
      } else if (request instanceof ClientRequest.Typing t) {
        typing.handle(session, t);
      } else if (request instanceof ClientRequest.Moderate m) {
        moderation.handle(session, m);
      } else if (request instanceof ClientRequest.Read read) {
        receipts.handle(session, read);
      } else if (request instanceof ClientRequest.Edit || request instanceof ClientRequest.Delete) {
        changes.handle(session, request);
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
    Names names = identities.names();
    if (!names.isValidRoom(roomName)) {
      throw new ChatException(ErrorCodes.INVALID_ROOM_NAME, "Room names are " + names.roomRule());
    }
    if (!session.rooms.contains(roomName) && session.rooms.size() >= config.maxRoomsPerConnection()) {
      throw new ChatException(
          ErrorCodes.TOO_MANY_ROOMS, "A connection may be in at most " + config.maxRoomsPerConnection() + " rooms");
    }
    if (request.since() != null) {
      checkId(request.since(), "since");
    }
    if (identities.establish(session, request.username())) {
      inbox.deliverTo(session);
    }
    if (session.rooms.contains(roomName)) {
      membership.answerAgain(session, request.requestId(), roomName, receipts.markerOf(session, roomName));
      return;
    }
    moderation.checkJoin(roomName, session.user());
    if (hooks.hooks.join() != null) {
      Object result = hooks.decide(session, request.requestId(), ChatMetrics.Hook.JOIN,
          () -> hooks.hooks.join().onJoin(new RoomContext(server, session.info(), roomName)));
      if (result instanceof Decision.Reject reject) {
        throw new ChatException(reject.code(), reject.message());
      }
    }
    membership.join(session, request.requestId(), roomName, request.since(), receipts.markerOf(session, roomName));
  }

  /** Refuses text that is no message id. */
  static void checkId(String id, String field) {
    if (Drafts.idMillis(id) < 0) {
      throw new ChatException(ErrorCodes.BAD_REQUEST, "Field '" + field + "' is not a message id");
    }
  }

  private void leave(Session session, ClientRequest.Leave request) {
    if (!session.rooms.contains(request.room())) {
      throw notInRoom(request.room());
    }
    typing.left(session, request.room());
    membership.leave(session, request.room());
    session.send(new ServerEvent.Left(request.requestId(), request.room()));
  }

  private void send(Session session, ClientRequest.Send request) {
    String roomName = request.room();
    PrivatePrefix pm = PrivatePrefix.parse(request.text()).orElse(null);
    metrics.messageReceived(pm != null ? MessageKind.PRIVATE : MessageKind.ROOM);
    checkSendsTo(session, roomName);
    if (pm != null) {
      sendPrivate(session, request.requestId(), pm.to(), pm.text(), request.data(), roomName);
      return;
    }
    moderation.checkSend(roomName, session.user());
    checkContent(request.text(), request.data());
    ChatMessage message = drafts.draft(MessageKind.ROOM, roomName, session.user(), null, request.text(), request.data());
    message = applyMessageHook(session, request.requestId(), message);
    if (message == null) {
      ack(session, request.requestId(), null);
      return;
    }
    Published published = Stages.await(registry.publish(roomName, message, new Exclusion(session.id(), null)));
    typing.sent(session, roomName, null);
    ackWhenDurable(session, request.requestId(), published);
  }

  /** Refuses a message to a room the connection is not in. */
  static void checkSendsTo(Session session, String roomName) {
    if (session.rooms.isEmpty()) {
      throw new ChatException(ErrorCodes.NOT_IN_ROOM, "You're not part of a room yet");
    }
    if (!session.rooms.contains(roomName)) {
      throw notInRoom(roomName);
    }
  }

  /**
   * Acknowledges now, or once the store made the message durable, as configured. A message the store
   * refused was still delivered: its sender is told it was not kept.
   */
  void ackWhenDurable(Session session, String requestId, Published published) {
    if (published.refused()) {
      session.sendError(requestId, ErrorCodes.HISTORY_UNAVAILABLE, "The message was sent but could not be kept");
      return;
    }
    if (requestId == null) {
      return;
    }
    ChatMessage message = published.message();
    if (config.ackTiming() == AckTiming.ON_RECEIPT) {
      ack(session, requestId, message);
      return;
    }
    published.durable().whenComplete((done, failure) -> {
      if (failure == null) {
        ack(session, requestId, message);
      } else {
        OutageLog.STORE.error("history store failed to keep message " + message.id(), failure);
        session.sendError(requestId, ErrorCodes.HISTORY_UNAVAILABLE, "The message was sent but could not be kept");
      }
    });
  }

  private void sendPrivate(
      Session session, String requestId, String to, String text, Map<String, Object> data, String room) {
    if (session.user() == null) {
      throw new ChatException(ErrorCodes.NOT_IN_ROOM, "Join a room before sending messages");
    }
    checkContent(text, data);
    if (!Stages.await(mayReceive(to))) {
      throw unknownUser(to);
    }
    ChatMessage message = drafts.draft(MessageKind.PRIVATE, room, session.user(), to, text, data);
    message = applyMessageHook(session, requestId, message);
    if (message == null) {
      ack(session, requestId, null);
      return;
    }
    Published published = Stages.await(drafts.finish(message).thenCompose(inbox::deliver));
    typing.sent(session, null, to);
    ackWhenDurable(session, requestId, published);
  }

  /** Whether a private message to {@code to} can be taken: they are online, or it can be kept for them. */
  CompletionStage<Boolean> mayReceive(String to) {
    if (identities.isLocal(to) || (config.offlineMessages() && to != null && identities.names().isValidUsername(to))) {
      return CompletableFuture.completedFuture(true);
    }
    return engine.isOnline(to);
  }

  void checkContent(String text, Map<String, Object> data) {
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
  ChatMessage applyMessageHook(Session session, String requestId, ChatMessage message) {
    if (hooks.hooks.message() == null) {
      return message;
    }
    ChatMessage draft = message;
    Object result = hooks.decide(session, requestId, ChatMetrics.Hook.MESSAGE,
        () -> hooks.hooks.message().onMessage(new MessageContext(server, session.info(), draft)));
    if (result instanceof Decision.Reject reject) {
      throw new ChatException(reject.code(), reject.message());
    }
    if (result instanceof MessageDecision.Handled) {
      return null;
    }
    if (result instanceof MessageDecision.Rewrite rewrite) {
      Map<String, ?> data = rewrite.data() == null ? message.data() : rewrite.data();
      @SuppressWarnings("unchecked")
      Map<String, Object> d = (Map<String, Object>) data;
      checkContent(rewrite.text(), d);
      return message.withContent(rewrite.text(), data);
    }
    return message;
  }

  static void ack(Session session, String requestId, ChatMessage message) {
    if (requestId != null) {
      session.send(new ServerEvent.Ack(requestId, message));
    }
  }

  private void members(Session session, ClientRequest.Members request) {
    if (!session.rooms.contains(request.room())) {
      throw notInRoom(request.room());
    }
    session.send(new ServerEvent.Members(request.requestId(), request.room(), Stages.await(engine.members(request.room()))));
  }

  private void history(Session session, ClientRequest.History request) {
    if (!session.rooms.contains(request.room())) {
      throw notInRoom(request.room());
    }
    if (request.before() != null) {
      checkId(request.before(), "before");
    }
    int limit = Math.max(1, Math.min(request.limit(), MAX_HISTORY_PAGE));
    session.send(new ServerEvent.History(request.requestId(), request.room(),
        StoreReads.read(() -> store.before(request.room(), request.before(), limit))));
  }

  private void clear(Session session, ClientRequest.ClearHistory request) {
    String roomName = request.room();
    if (!session.rooms.contains(roomName)) {
      throw notInRoom(roomName);
    }
    if (hooks.hooks.clearHistory() == null) {
      throw new ChatException(ErrorCodes.FORBIDDEN, "Clearing history is not allowed on this server");
    }
    Object result = hooks.decide(session, request.requestId(), ChatMetrics.Hook.CLEAR_HISTORY,
        () -> hooks.hooks.clearHistory().onClearHistory(new RoomContext(server, session.info(), roomName)));
    if (result instanceof Decision.Reject reject) {
      throw new ChatException(reject.code(), reject.message());
    }
    if (!(result instanceof MessageDecision.Handled)) {
      Stages.await(registry.clear(roomName, session.user()));
    }
    if (request.requestId() != null) {
      session.send(new ServerEvent.Cleared(request.requestId(), roomName));
    }
  }

  static ChatException notInRoom(String room) {
    return new ChatException(ErrorCodes.NOT_IN_ROOM, "You have not joined the room " + room);
  }

  static ChatException unknownUser(String user) {
    return new ChatException(ErrorCodes.UNKNOWN_USER, "No user named " + user + " is online");
  }
}
