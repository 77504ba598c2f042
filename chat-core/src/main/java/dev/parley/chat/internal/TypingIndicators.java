package dev.parley.chat.internal;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatException;
import dev.parley.chat.ChatServer;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.Decision;
import dev.parley.chat.TypingContext;
import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.cluster.Exclusion;
import dev.parley.chat.cluster.ServerEventCodec;
import dev.parley.chat.internal.logging.LogText;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.spi.TransportLink;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Typing indicators: checked, limited per connection, put to the typing hook, then sent to the room's
 * members (or the private recipient's connections) on this node and relayed to the other nodes, which
 * do the same with theirs. Never kept anywhere. Clients expire a started indicator after {@link
 * ChatConfig#typingTimeout()}; the server remembers, by its clock, until when each connection counts
 * as typing where, so that its message, its leave or its disconnect tells the others it stopped.
 * Requests run on the session's inbox; relays on an engine thread. Thread-safe; one per server.
 */
final class TypingIndicators {
  private static final Logger log = LoggerFactory.getLogger(ChatServer.class);
  /** The name of the core's own link among the transports' relays. */
  static final String LINK = "parley.typing";
  /** Where a connection's remembered indicators are pruned of those expired. */
  private static final int FORGET_EXPIRED_AT = 16;

  private final ChatServer server;
  private final ChatConfig config;
  private final Clock clock;
  private final HookPolicy hooks;
  private final ClusterEngine engine;
  private final Identities identities;
  private final RoomRegistry registry;
  private final TransportLink link;

  TypingIndicators(ChatServer server, ChatConfig config, Clock clock, HookPolicy hooks, ClusterEngine engine,
      Identities identities, RoomRegistry registry, TransportLinks links) {
    this.server = server;
    this.config = config;
    this.clock = clock;
    this.hooks = hooks;
    this.engine = engine;
    this.identities = identities;
    this.registry = registry;
    this.link = links.link(LINK, this::onRelay);
  }

  /** A client's typing request, on its inbox. */
  void handle(Session session, ClientRequest.Typing request) {
    if ((request.room() == null) == (request.to() == null)) {
      throw new ChatException(ErrorCodes.BAD_REQUEST, "A typing notice names either a room or a user ('to')");
    }
    Session.TypingTarget target = new Session.TypingTarget(request.room(), request.to());
    if (target.room() != null) {
      if (!session.rooms.contains(target.room())) {
        throw Requests.notInRoom(target.room());
      }
    } else {
      if (session.user() == null) {
        throw new ChatException(ErrorCodes.NOT_IN_ROOM, "Join a room before typing to anyone");
      }
      if (!identities.isLocal(target.to()) && !Stages.await(engine.isOnline(target.to()))) {
        throw Requests.unknownUser(target.to());
      }
    }
    if (!session.typingLimiter(clock, config.typingPerSecond()).tryAcquire()) {
      throw new ChatException(ErrorCodes.TYPING_TOO_FAST,
          "At most " + config.typingPerSecond() + " typing notices a second; this one was dropped");
    }
    if (!request.typing()) {
      stop(session, target);
      return;
    }
    if (hooks.hooks.typing() != null) {
      Object result = hooks.decide(session, request.requestId(), ChatMetrics.Hook.TYPING,
          () -> hooks.hooks.typing().onTyping(new TypingContext(server, session.info(), target.room(), target.to())));
      if (result instanceof Decision.Reject reject) {
        throw new ChatException(reject.code(), reject.message());
      }
    }
    long timeout = config.typingTimeout().toMillis();
    long now = clock.millis();
    Map<Session.TypingTarget, Long> typing = session.typing();
    if (typing.size() >= FORGET_EXPIRED_AT) {
      // The limit keeps the unexpired ones few; the expired need no stop, so they go.
      typing.values().removeIf(until -> until <= now);
    }
    typing.put(target, now + timeout);
    send(new ServerEvent.Typing(target.room(), session.user(), target.to(), true, timeout));
  }

  /** The session's message to a room or user was sent: if it was typing there, it stopped. On its inbox. */
  void sent(Session session, String room, String to) {
    stop(session, new Session.TypingTarget(room, to));
  }

  /** The session left a room: if it was typing there, it stopped. On its inbox. */
  void left(Session session, String room) {
    stop(session, new Session.TypingTarget(room, null));
  }

  /** The session closed: wherever it was still typing, it stopped. On its inbox. */
  void closed(Session session) {
    for (Session.TypingTarget target : List.copyOf(session.typing().keySet())) {
      stop(session, target);
    }
  }

  /** Tells the others the session stopped, if by the server's clock its indicator is still shown. */
  private void stop(Session session, Session.TypingTarget target) {
    Map<Session.TypingTarget, Long> typing = session.typingIfAny();
    Long until = typing == null ? null : typing.remove(target);
    if (until != null && until > clock.millis()) {
      send(new ServerEvent.Typing(target.room(), session.user(), target.to(), false, 0));
    }
  }

  /** To this node's recipients, then to the other nodes'. */
  private void send(ServerEvent.Typing event) {
    deliver(event);
    link.relay(ServerEventCodec.encodeEvent(event)).whenComplete((done, failure) -> {
      if (failure != null) {
        // Typing indicators are best effort: a lost one expires on its own.
        log.debug("typing indicator not relayed: {}", failure.toString());
      }
    });
  }

  private void deliver(ServerEvent.Typing event) {
    if (event.room() != null) {
      LocalRoom room = registry.get(event.room());
      if (room != null) {
        LocalRoom.sendAll(room.members(), event, new Exclusion(null, event.user()));
      }
    } else {
      identities.toUser(event.to(), event);
    }
  }

  /** A typing indicator another node relayed, on an engine thread. */
  private void onRelay(byte[] payload) {
    ServerEvent event;
    try {
      event = ServerEventCodec.decodeEvent(payload);
    } catch (IllegalArgumentException e) {
      log.error("Dropped a relayed typing indicator that could not be decoded (sent by another Parley version?)", e);
      return;
    }
    if (event instanceof ServerEvent.Typing typing) {
      deliver(typing);
    } else {
      log.error("Dropped a relayed {} on the typing link", LogText.of(event.getClass().getSimpleName()));
    }
  }
}
