package dev.parley.chat.internal;

import dev.parley.chat.ChatException;
import dev.parley.chat.ChatServer;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.Decision;
import dev.parley.chat.ModerationAction;
import dev.parley.chat.ModerationContext;
import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.history.Restriction;
import dev.parley.chat.internal.logging.LogText;
import dev.parley.chat.internal.logging.OutageLog;
import dev.parley.chat.cluster.ServerEventCodec;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.spi.TransportLink;
import java.time.Clock;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kicks, mutes and bans: what server code and authorised clients do to a user in a room, carried out
 * on every node. Bans and mutes are kept in the history store first (so they outlive restarts and
 * hold on every node sharing it); each node checks joins and messages against its {@link
 * RestrictionCache copy} of them. Every moderation is then relayed to the other nodes on the
 * moderation link: each drops its copy of the room's restrictions and acts on its own connections of
 * the user. Requests run on the session's inbox, relays on an engine thread, a kicked connection's
 * leave on its own inbox. Thread-safe; one per server.
 */
final class Moderation {
  private static final Logger log = LoggerFactory.getLogger(ChatServer.class);
  /** The name of the core's own link among the transports' relays. */
  static final String LINK = "parley.moderation";
  // A relay on the link is a kind (one byte), the relay's id (Confirmations.ID_BYTES), then a body.
  /** A relay on the link: a {@link ServerEventCodec} event (a kick, ban, mute or unmute) follows. */
  private static final byte RELAY_EVENT = 0;
  /** A relay on the link: a room's restrictions changed with nothing to tell its users (an unban); the room follows. */
  private static final byte RELAY_CHANGED = 1;
  /** A relay on the link: a node applied the relay of that id; no body. */
  private static final byte RELAY_APPLIED = 2;

  private final ChatServer server;
  private final Clock clock;
  private final HookPolicy hooks;
  private final HistoryStore store;
  private final Identities identities;
  private final RoomMembership membership;
  private final TypingIndicators typing;
  private final Executor reads;
  private final TransportLink link;
  private final RestrictionCache cache;
  private final Confirmations confirmations = new Confirmations();

  Moderation(ChatServer server, Clock clock, HookPolicy hooks, HistoryStore store, Identities identities,
      RoomMembership membership, TypingIndicators typing, TransportLinks links, Executor reads) {
    this.server = server;
    this.clock = clock;
    this.hooks = hooks;
    this.store = store;
    this.identities = identities;
    this.membership = membership;
    this.typing = typing;
    this.reads = reads;
    this.cache = new RestrictionCache(store);
    this.link = links.link(LINK, this::onRelay);
    links.onMissed(cache::forgetAll);
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
    Restriction mute = new Restriction(Restriction.Kind.MUTE, required(room, "room"), required(user, "user"),
        clock.instant().plus(duration), orEmpty(reason));
    return kept(store.restrict(mute))
        .thenCompose(kept -> tell(new ServerEvent.Muted(room, user, mute.until(), mute.reason())));
  }

  CompletionStage<Void> unmute(String room, String user) {
    return kept(store.lift(Restriction.Kind.MUTE, required(room, "room"), required(user, "user")))
        .thenCompose(kept -> tell(new ServerEvent.Muted(room, user, null, "")));
  }

  CompletionStage<Void> ban(String room, String user, Duration duration, String reason) {
    if (duration != null && (duration.isNegative() || duration.isZero())) {
      return Stages.failed(new IllegalArgumentException("a ban lasts at least 1 ms, was " + duration));
    }
    Instant until = duration == null ? null : clock.instant().plus(duration);
    Restriction ban = new Restriction(Restriction.Kind.BAN, required(room, "room"), required(user, "user"), until,
        orEmpty(reason));
    return kept(store.restrict(ban)).thenCompose(kept -> tell(new ServerEvent.Kicked(room, user, ban.reason(), true, until)));
  }

  CompletionStage<Void> unban(String room, String user) {
    return kept(store.lift(Restriction.Kind.BAN, required(room, "room"), required(user, "user"))).thenCompose(kept -> {
      cache.forget(room);
      return relay(RELAY_CHANGED, room.getBytes(StandardCharsets.UTF_8));
    });
  }

  /** The room's bans and mutes that hold now, read from the store on the hook executor. */
  CompletionStage<List<Restriction>> restrictions(String room) {
    required(room, "room");
    return CompletableFuture.supplyAsync(() -> active(room), reads);
  }

  /**
   * The restrictions of a room that hold now, bans first, each kind by user; read from the store,
   * not the cache, so that a moderator sees what every node will enforce.
   */
  private List<Restriction> active(String room) {
    List<Restriction> kept;
    try {
      kept = store.restrictions(room);
    } catch (RuntimeException e) {
      OutageLog.STORE.error("history store read failed", e);
      throw new ChatException(ErrorCodes.HISTORY_UNAVAILABLE, "Bans and mutes cannot be read right now; try again later");
    }
    Instant now = clock.instant();
    return kept.stream().filter(r -> r.activeAt(now))
        .sorted(Comparator.comparing(Restriction::kind).thenComparing(Restriction::user))
        .toList();
  }

  /** A store that failed to keep a ban or mute is the history being unavailable; one that keeps none says so. */
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
      OutageLog.STORE.error("history store failed to keep a ban or mute", cause);
      return Stages.<Void>failed(new ChatException(ErrorCodes.HISTORY_UNAVAILABLE, "The ban or mute could not be kept"));
    }).thenCompose(stage -> stage);
  }

  private static <T> CompletionStage<T> completed() {
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }

  // ---------------------------------------------------------------- checks

  /** Refuses the join of a user banned from the room. On the session's inbox; may read the store. */
  void checkJoin(String room, String user) {
    Optional<Restriction> ban = cache.active(Restriction.Kind.BAN, room, user, clock.instant());
    if (ban.isPresent()) {
      Instant until = ban.get().until();
      throw new ChatException(ErrorCodes.BANNED, "You are banned from " + room
          + (until == null ? " for good" : " until " + until));
    }
  }

  /** Refuses a room message of a muted user. On the session's inbox; may read the store. */
  void checkSend(String room, String user) {
    Optional<Restriction> mute = cache.active(Restriction.Kind.MUTE, room, user, clock.instant());
    if (mute.isPresent()) {
      throw new ChatException(ErrorCodes.MUTED, "You are muted in " + room + " until " + mute.get().until());
    }
  }

  // ---------------------------------------------------------------- client requests

  /** A client's moderation request, on its inbox. */
  void handle(Session session, ClientRequest.Moderate request) {
    if (!session.rooms.contains(request.room())) {
      throw Requests.notInRoom(request.room());
    }
    boolean list = request.action() == ModerationAction.LIST;
    if (list ? request.user() != null : request.user() == null || !identities.names().isValidUsername(request.user())) {
      throw list ? new ChatException(ErrorCodes.BAD_REQUEST, "A list names no user")
          : new ChatException(ErrorCodes.INVALID_USERNAME, "Usernames are " + identities.names().usernameRule());
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
    if (list) {
      session.send(new ServerEvent.Restrictions(request.requestId(), request.room(), active(request.room())));
      return;
    }
    CompletionStage<Void> done = switch (request.action()) {
      case KICK -> kick(request.room(), request.user(), reason);
      case MUTE -> mute(request.room(), request.user(), duration, reason);
      case UNMUTE -> unmute(request.room(), request.user());
      case BAN -> ban(request.room(), request.user(), duration, reason);
      case UNBAN -> unban(request.room(), request.user());
      case LIST -> throw new AssertionError("answered above");
    };
    try {
      Stages.await(Stages.forAction(done));
    } catch (UnsupportedOperationException e) {
      throw new ChatException(ErrorCodes.FORBIDDEN, "This server keeps no bans or mutes");
    }
    session.send(new ServerEvent.Moderated(request.requestId(), request.room(), request.user(), request.action()));
  }

  // ---------------------------------------------------------------- carrying out

  /** Acts on this node's connections, then tells the other nodes. */
  private CompletionStage<Void> tell(ServerEvent event) {
    apply(event);
    return relay(RELAY_EVENT, ServerEventCodec.encodeEvent(event));
  }

  /**
   * Relays a moderation to the other nodes; completes once each node it reached confirmed that it
   * applied it (or {@link Confirmations#TIMEOUT} passed).
   */
  private CompletionStage<Void> relay(byte kind, byte[] body) {
    byte[] id = confirmations.open();
    byte[] payload = new byte[1 + Confirmations.ID_BYTES + body.length];
    payload[0] = kind;
    System.arraycopy(id, 0, payload, 1, Confirmations.ID_BYTES);
    System.arraycopy(body, 0, payload, 1 + Confirmations.ID_BYTES, body.length);
    return link.relayCounted(payload).handle((nodes, failure) -> {
      if (failure != null) {
        confirmations.abandon(id);
        return Stages.<Void>failed(failure);
      }
      return (CompletionStage<Void>) confirmations.expect(id, nodes);
    }).thenCompose(stage -> stage);
  }

  private void apply(ServerEvent event) {
    if (event instanceof ServerEvent.Kicked kicked) {
      if (kicked.banned()) {
        cache.forget(kicked.room());
      }
      for (Session session : identities.sessionsOf(kicked.user())) {
        session.inbox.force(() -> kickOut(session, kicked));
      }
    } else if (event instanceof ServerEvent.Muted muted) {
      cache.forget(muted.room());
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

  /** A moderation another node relayed, or a confirmation of one, on an engine thread. */
  private void onRelay(byte[] payload) {
    int start = 1 + Confirmations.ID_BYTES;
    if (payload.length < start || payload[0] < RELAY_EVENT || payload[0] > RELAY_APPLIED) {
      log.error("Dropped a relayed moderation of no known kind (sent by another Parley version?)");
      return;
    }
    byte[] id = java.util.Arrays.copyOfRange(payload, 1, start);
    if (payload[0] == RELAY_APPLIED) {
      confirmations.confirmed(id);
      return;
    }
    if (payload[0] == RELAY_CHANGED) {
      cache.forget(new String(payload, start, payload.length - start, StandardCharsets.UTF_8));
    } else {
      ServerEvent event;
      try {
        event = ServerEventCodec.decodeEvent(java.util.Arrays.copyOfRange(payload, start, payload.length));
      } catch (IllegalArgumentException e) {
        log.error("Dropped a relayed moderation that could not be decoded (sent by another Parley version?)", e);
        return;
      }
      if (!(event instanceof ServerEvent.Kicked || event instanceof ServerEvent.Muted)) {
        log.error("Dropped a relayed {} on the moderation link", LogText.of(event.getClass().getSimpleName()));
        return;
      }
      apply(event);
    }
    byte[] applied = new byte[start];
    applied[0] = RELAY_APPLIED;
    System.arraycopy(id, 0, applied, 1, Confirmations.ID_BYTES);
    link.relay(applied).whenComplete((done, failure) -> {
      if (failure != null) {
        log.debug("Could not confirm a relayed moderation; its sender stops waiting after {}",
            Confirmations.TIMEOUT, failure);
      }
    });
  }

  private static String required(String value, String name) {
    return Objects.requireNonNull(value, name);
  }

  private static String orEmpty(String reason) {
    return reason == null ? "" : reason;
  }
}
