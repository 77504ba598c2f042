package dev.parley.chat.internal;

import dev.parley.chat.ChatException;
import dev.parley.chat.ChatServer;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.Decision;
import dev.parley.chat.ModerationAction;
import dev.parley.chat.ModerationContext;
import dev.parley.chat.history.Ban;
import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.internal.logging.LogText;
import dev.parley.chat.cluster.ServerEventCodec;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.spi.TransportLink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kicks, mutes and bans: what server code and authorised clients do to a user in a room, carried out
 * on every node. A kick or a mute is relayed to the other nodes, each of which acts on its own
 * connections of the user; a ban is kept in the history store first, which every join reads. Mutes
 * live in each node's memory. Requests run on the session's inbox, relays on an engine thread, a
 * kicked connection's leave on its own inbox. Thread-safe; one per server.
 */
final class Moderation {
  private static final Logger log = LoggerFactory.getLogger(ChatServer.class);
  /** The name of the core's own link among the transports' relays. */
  static final String LINK = "parley.moderation";
  /** Where the mutes of a node are pruned of those that ended. */
  private static final int PRUNE_MUTES_AT = 10_000;

  private record Key(String room, String user) {}

  private record Mute(Instant until, String reason) {}

  private final ChatServer server;
  private final Clock clock;
  private final HookPolicy hooks;
  private final HistoryStore store;
  private final Identities identities;
  private final RoomMembership membership;
  private final TypingIndicators typing;
  private final TransportLink link;
  private final ConcurrentHashMap<Key, Mute> mutes = new ConcurrentHashMap<>();

  Moderation(ChatServer server, Clock clock, HookPolicy hooks, HistoryStore store, Identities identities,
      RoomMembership membership, TypingIndicators typing, TransportLinks links) {
    this.server = server;
    this.clock = clock;
    this.hooks = hooks;
    this.store = store;
    this.identities = identities;
    this.membership = membership;
    this.typing = typing;
    this.link = links.link(LINK, this::onRelay);
  }

  // ---------------------------------------------------------------- server actions

  CompletionStage<Void> kick(String room, String user, String reason) {
    return tell(new ServerEvent.Kicked(required(room, "room"), required(user, "user"), orEmpty(reason), false, null));
  }

  CompletionStage<Void> mute(String room, String user, Duration duration, String reason) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative() || duration.isZero()) {
      return Stages.failed(new IllegalArgumentException("a mute lasts at least 1 ms, was " + duration));
    }
    return tell(new ServerEvent.Muted(required(room, "room"), required(user, "user"), clock.instant().plus(duration),
        orEmpty(reason)));
  }

  CompletionStage<Void> unmute(String room, String user) {
    return tell(new ServerEvent.Muted(required(room, "room"), required(user, "user"), null, ""));
  }

  CompletionStage<Void> ban(String room, String user, Duration duration, String reason) {
    if (duration != null && (duration.isNegative() || duration.isZero())) {
      return Stages.failed(new IllegalArgumentException("a ban lasts at least 1 ms, was " + duration));
    }
    Instant until = duration == null ? null : clock.instant().plus(duration);
    Ban ban = new Ban(required(room, "room"), required(user, "user"), until, orEmpty(reason));
    return kept(store.ban(ban)).thenCompose(kept -> tell(new ServerEvent.Kicked(room, user, ban.reason(), true, until)));
  }

  CompletionStage<Void> unban(String room, String user) {
    return kept(store.unban(required(room, "room"), required(user, "user")));
  }

  /** A store that failed to keep a ban is the history being unavailable; one that keeps none says so. */
  private static CompletionStage<Void> kept(CompletionStage<Void> write) {
    return write.handle((done, failure) -> {
      if (failure == null) {
        return Moderation.<Void>completed();
      }
      Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
          ? failure.getCause() : failure;
      if (cause instanceof UnsupportedOperationException || cause instanceof ChatException) {
        return Stages.<Void>failed(cause);
      }
      log.error("history store failed to keep a ban", cause);
      return Stages.<Void>failed(new ChatException(ErrorCodes.HISTORY_UNAVAILABLE, "The ban could not be kept"));
    }).thenCompose(stage -> stage);
  }

  private static <T> CompletionStage<T> completed() {
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }

  // ---------------------------------------------------------------- checks

  /** Refuses the join of a user banned from the room. On the session's inbox; reads the store. */
  void checkJoin(String room, String user) {
    Optional<Ban> ban;
    try {
      ban = store.ban(room, user);
    } catch (RuntimeException e) {
      log.error("history store read failed", e);
      throw new ChatException(ErrorCodes.HISTORY_UNAVAILABLE, "Bans cannot be read right now; try again later");
    }
    if (ban.isPresent() && ban.get().activeAt(clock.instant())) {
      Instant until = ban.get().until();
      throw new ChatException(ErrorCodes.BANNED, "You are banned from " + room
          + (until == null ? " for good" : " until " + until));
    }
  }

  /** Refuses a room message of a muted user. */
  void checkSend(String room, String user) {
    Key key = new Key(room, user);
    Mute mute = mutes.get(key);
    if (mute == null) {
      return;
    }
    if (mute.until().isAfter(clock.instant())) {
      throw new ChatException(ErrorCodes.MUTED, "You are muted in " + room + " until " + mute.until());
    }
    mutes.remove(key, mute);
  }

  // ---------------------------------------------------------------- client requests

  /** A client's moderation request, on its inbox. */
  void handle(Session session, ClientRequest.Moderate request) {
    if (!session.rooms.contains(request.room())) {
      throw Requests.notInRoom(request.room());
    }
    if (request.user() == null || !identities.names().isValidUsername(request.user())) {
      throw new ChatException(ErrorCodes.INVALID_USERNAME, "Usernames are " + identities.names().usernameRule());
    }
    Duration duration = request.duration();
    boolean timed = request.action() == ModerationAction.MUTE || request.action() == ModerationAction.BAN;
    if (timed ? duration != null && (duration.isNegative() || duration.isZero()) : duration != null) {
      throw new ChatException(ErrorCodes.BAD_REQUEST, "A mute or a ban lasts a positive duration; nothing else has one");
    }
    if (request.action() == ModerationAction.MUTE && duration == null) {
      throw new ChatException(ErrorCodes.BAD_REQUEST, "A mute needs a duration");
    }
    if (hooks.hooks.moderation() == null) {
      throw new ChatException(ErrorCodes.FORBIDDEN, "Moderation is not allowed on this server");
    }
    String reason = orEmpty(request.reason());
    Object result = hooks.decide(session, request.requestId(), ChatMetrics.Hook.MODERATION,
        () -> hooks.hooks.moderation().onModerate(new ModerationContext(server, session.info(), request.room(),
            request.action(), request.user(), duration, reason)));
    if (result instanceof Decision.Reject reject) {
      throw new ChatException(reject.code(), reject.message());
    }
    CompletionStage<Void> done = switch (request.action()) {
      case KICK -> kick(request.room(), request.user(), reason);
      case MUTE -> mute(request.room(), request.user(), duration, reason);
      case UNMUTE -> unmute(request.room(), request.user());
      case BAN -> ban(request.room(), request.user(), duration, reason);
      case UNBAN -> unban(request.room(), request.user());
    };
    try {
      Stages.await(Stages.forAction(done));
    } catch (UnsupportedOperationException e) {
      throw new ChatException(ErrorCodes.FORBIDDEN, "This server keeps no bans");
    }
    session.send(new ServerEvent.Moderated(request.requestId(), request.room(), request.user(), request.action()));
  }

  // ---------------------------------------------------------------- carrying out

  /** Acts on this node's connections, then tells the other nodes. */
  private CompletionStage<Void> tell(ServerEvent event) {
    apply(event);
    return link.relay(ServerEventCodec.encodeEvent(event));
  }

  private void apply(ServerEvent event) {
    if (event instanceof ServerEvent.Kicked kicked) {
      for (Session session : identities.sessionsOf(kicked.user())) {
        session.inbox.force(() -> kickOut(session, kicked));
      }
    } else if (event instanceof ServerEvent.Muted muted) {
      Key key = new Key(muted.room(), muted.user());
      if (muted.until() == null) {
        mutes.remove(key);
      } else {
        if (mutes.size() >= PRUNE_MUTES_AT) {
          Instant now = clock.instant();
          mutes.values().removeIf(m -> !m.until().isAfter(now));
        }
        mutes.put(key, new Mute(muted.until(), muted.reason()));
      }
      for (Session session : identities.sessionsOf(muted.user())) {
        if (session.rooms.contains(muted.room())) {
          session.send(muted);
        }
      }
    }
  }

  /** On the kicked session's inbox: out of the room as by a leave, told why instead of {@code left}. */
  private void kickOut(Session session, ServerEvent.Kicked kicked) {
    if (session.isClosed() || !session.rooms.contains(kicked.room())) {
      return;
    }
    typing.left(session, kicked.room());
    membership.leave(session, kicked.room());
    session.send(kicked);
  }

  /** A kick or a mute another node relayed, on an engine thread. */
  private void onRelay(byte[] payload) {
    ServerEvent event;
    try {
      event = ServerEventCodec.decodeEvent(payload);
    } catch (IllegalArgumentException e) {
      log.error("Dropped a relayed moderation that could not be decoded (sent by another Parley version?)", e);
      return;
    }
    if (event instanceof ServerEvent.Kicked || event instanceof ServerEvent.Muted) {
      apply(event);
    } else {
      log.error("Dropped a relayed {} on the moderation link", LogText.of(event.getClass().getSimpleName()));
    }
  }

  private static String required(String value, String name) {
    return Objects.requireNonNull(value, name);
  }

  private static String orEmpty(String reason) {
    return reason == null ? "" : reason;
  }
}
