package dev.parley.chat.internal;

import dev.parley.chat.ChangeAction;
import dev.parley.chat.ChangeContext;
import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatException;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.ChatServer;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.Decision;
import dev.parley.chat.MessageKind;
import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.cluster.Exclusion;
import dev.parley.chat.cluster.MessageIds;
import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ServerEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Edits and deletions of messages already sent. A room message is changed in the room's order: the
 * change is an entry of its own, published to the engine (which gives it its revision, replaces the
 * message in its log, and refuses a message it no longer holds), delivered to the room's members and
 * written to the history store. A private message is changed only by its sender (or whom the change
 * hook allows), and the change is routed to its recipient's connections: the sender is the one its
 * recipient's offline inbox records while the inbox keeps it, else the requester (the server keeps no
 * other copy). Thread-safe; one per
 * server.
 */
final class MessageChanges {
  private final ChatServer server;
  private final ChatConfig config;
  private final HookPolicy hooks;
  private final ClusterEngine engine;
  private final HistoryStore store;
  private final RoomRegistry registry;
  private final Moderation moderation;
  private final Requests requests;
  private final Drafts drafts;

  MessageChanges(ChatServer server, ChatConfig config, HookPolicy hooks, ClusterEngine engine, HistoryStore store,
      RoomRegistry registry, Moderation moderation, Requests requests, Drafts drafts) {
    this.drafts = drafts;
    this.server = server;
    this.config = config;
    this.hooks = hooks;
    this.engine = engine;
    this.store = store;
    this.registry = registry;
    this.moderation = moderation;
    this.requests = requests;
  }

  /** The messages of a room that may be changed: those the engine's log keeps. */
  private int logSize() {
    return Math.max(config.historySize(), config.maxRecoveredMessages() + 1);
  }

  /** A client's edit or delete, on its session's inbox. */
  void handle(Session session, ClientRequest request) {
    boolean edit = request instanceof ClientRequest.Edit;
    ClientRequest.Edit e = edit ? (ClientRequest.Edit) request : null;
    ClientRequest.Delete d = edit ? null : (ClientRequest.Delete) request;
    String room = edit ? e.room() : d.room();
    String to = edit ? e.to() : d.to();
    String messageId = edit ? e.messageId() : d.messageId();
    String text = edit ? e.text() : null;
    Map<String, Object> data = edit ? (e.data() == null ? Map.of() : e.data()) : null;
    if ((room == null) == (to == null)) {
      throw new ChatException(ErrorCodes.BAD_REQUEST, "Name either the room or the recipient ('to') of the message");
    }
    if (messageId == null) {
      throw new ChatException(ErrorCodes.BAD_REQUEST, "Field 'message' is required");
    }
    Requests.checkId(messageId, "message");
    if (room != null) {
      Requests.checkSendsTo(session, room);
    } else if (session.user() == null) {
      throw new ChatException(ErrorCodes.NOT_IN_ROOM, "Join a room before changing messages");
    }
    if (edit) {
      if (room != null) {
        moderation.checkSend(room, session.user());
      }
      requests.checkContent(text, data);
    }
    ChatMessage current = room != null
        ? Stages.await(registry.find(room, messageId, logSize()))
        : privateMessage(session.user(), to, messageId);
    if (current.deleted()) {
      throw Changes.deleted();
    }
    ChangeAction action = edit ? ChangeAction.EDIT : ChangeAction.DELETE;
    if (hooks.hooks.change() == null) {
      if (!session.user().equals(current.sender())) {
        throw new ChatException(ErrorCodes.FORBIDDEN, "You may change only your own messages");
      }
    } else {
      String newText = text;
      Map<String, Object> newData = data;
      Object result = hooks.decide(session, request.requestId(), ChatMetrics.Hook.CHANGE,
          () -> hooks.hooks.change().onChange(new ChangeContext(server, session.info(), action, current, newText, newData)));
      if (result instanceof Decision.Reject reject) {
        throw new ChatException(reject.code(), reject.message());
      }
    }
    ChatMessage version;
    if (edit) {
      // The new text passes the message hook as a message would: a filter there cannot be bypassed
      // by editing. Its draft is the message's new version; edited() tells the hook it is an edit.
      ChatMessage draft = current.toBuilder().text(text).data(data).edited(drafts.now()).build();
      version = requests.applyMessageHook(session, request.requestId(), draft);
      if (version == null) {
        Requests.ack(session, request.requestId(), null);
        return;
      }
    } else {
      version = Changes.tombstone(current);
    }
    Published published = room != null
        ? Stages.await(registry.change(room, version, new Exclusion(session.id(), null)))
        : Stages.await(changePrivate(version));
    requests.ackWhenDurable(session, request.requestId(), published);
  }

  /**
   * The private message a change is about: the copy its recipient's offline inbox still keeps, if it
   * keeps one of the requester's, or of anyone's when a change hook decides (its sender is then
   * known); else the server holds no record of it, and it can only be the requester's own: the change
   * carries the requester as sender, and a recipient's client applies it only to a message of that
   * sender. Another user's copy, with no hook to decide on it, is answered as one not kept (the store
   * leaves it as it is, since the sender differs), so that a change tells nobody which ids wait in
   * someone's inbox, from whom, or deleted.
   *
   * @throws ChatException {@code HISTORY_UNAVAILABLE} if the inbox cannot be read
   */
  private ChatMessage privateMessage(String requester, String to, String messageId) {
    long id = MessageIds.parse(messageId);
    if (config.offlineMessages() && id < Long.MAX_VALUE) {
      String next = MessageIds.format(id + 1); // before() is exclusive: the page ends at this id
      List<ChatMessage> kept = StoreReads.read(() -> store.before(HistoryStore.inbox(to), next, 1));
      if (!kept.isEmpty() && kept.get(0).id().equals(messageId)
          && (hooks.hooks.change() != null || requester.equals(kept.get(0).sender()))) {
        return kept.get(0);
      }
    }
    return ChatMessage.builder(messageId, MessageIds.time(id), MessageKind.PRIVATE, "")
        .sender(requester)
        .recipient(to)
        .build();
  }

  /**
   * A private message's new version, with a revision from the engine, to its recipient's connections;
   * a copy still kept in the recipient's inbox is replaced too, so an offline recipient gets the
   * current version (without a revision: the inbox is read by id).
   */
  private CompletionStage<Published> changePrivate(ChatMessage version) {
    return engine.nextId().thenCompose(id -> {
      ChatMessage ordered = version.toBuilder().revision(id).edited(MessageIds.time(MessageIds.parse(id))).build();
      CompletionStage<Void> kept = config.offlineMessages()
          ? store.change(HistoryStore.inbox(ordered.recipient()), ordered.toBuilder().revision(null).build())
          : Published.NOTHING_TO_KEEP;
      return engine.toUser(ordered.recipient(), new ServerEvent.MessageChanged(ordered))
          .thenApply(n -> new Published(ordered, n, kept));
    });
  }

  /** {@link ChatServer#editMessage} and {@link ChatServer#deleteMessage}: any message of the room, no hook. */
  CompletionStage<ChatMessage> change(String room, String messageId, String text, Map<String, ?> data) {
    if (Drafts.idMillis(messageId) < 0) {
      return Stages.failed(new ChatException(ErrorCodes.UNKNOWN_MESSAGE, "The room has no message " + messageId));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> content = (Map<String, Object>) (data == null ? Map.of() : data);
    if (text != null) {
      try {
        requests.checkContent(text, content);
      } catch (ChatException e) {
        return Stages.failed(e);
      }
    }
    return Stages.forAction(registry.find(room, messageId, logSize()).thenCompose(current -> {
      if (current.deleted()) {
        throw Changes.deleted();
      }
      ChatMessage version = text == null ? Changes.tombstone(current) : current.toBuilder().text(text).data(content).build();
      return registry.change(room, version, Exclusion.none());
    }).thenCompose(published -> published.durable().thenApply(done -> published.message())));
  }
}
