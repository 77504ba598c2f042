package dev.parley.chat.internal;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatException;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.ChatServer;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.Decision;
import dev.parley.chat.MessageKind;
import dev.parley.chat.ReadContext;
import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.cluster.Exclusion;
import dev.parley.chat.cluster.ServerEventCodec;
import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.internal.logging.LogText;
import dev.parley.chat.internal.logging.OutageLog;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.spi.SharedEvent;
import dev.parley.chat.spi.TransportLink;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read markers and receipts. A client's {@code read} moves its user's marker in a room or private
 * conversation forward, in the history store (which every node shares in a cluster, as it does bans),
 * then tells, on this node and, through a relay, on the others: the reader's other connections, and
 * the room's members (with {@link ChatConfig#roomReadReceipts()}) or the other user of the
 * conversation, unless the read hook withholds it. Joins read the marker back, with the room's unread
 * count. Delivery receipts go back to a private message's sender, through the engine, for each of the
 * recipient's connections that was handed the message. Requests run on the session's inbox, relays
 * and deliveries on whatever thread delivers. Thread-safe; one per server.
 */
final class Receipts {
  private static final Logger log = LoggerFactory.getLogger(ChatServer.class);
  /** The name of the core's own link among the transports' relays. */
  static final String LINK = "parley.reads";
  private static final byte TO_READER = 0;
  private static final byte TO_OTHERS = 1;

  /** A user's marker in a room, and how many messages of others came after it. */
  record Marker(String lastRead, int unread) {}

  private final ChatServer server;
  private final ChatConfig config;
  private final Clock clock;
  private final HookPolicy hooks;
  private final ClusterEngine engine;
  private final HistoryStore store;
  private final Identities identities;
  private final RoomRegistry registry;
  private final TransportLink link;

  Receipts(ChatServer server, ChatConfig config, Clock clock, HookPolicy hooks, ClusterEngine engine,
      HistoryStore store, Identities identities, RoomRegistry registry, TransportLinks links) {
    this.server = server;
    this.config = config;
    this.clock = clock;
    this.hooks = hooks;
    this.engine = engine;
    this.store = store;
    this.identities = identities;
    this.registry = registry;
    this.link = links.link(LINK, this::onRelay);
  }

  // ---------------------------------------------------------------- joins

  /**
   * The joiner's marker in a room and the room's unread count, read from the store; remembered by the
   * session. On the session's inbox, before the join takes effect: messages sent while it joins may be
   * in {@code history} without being counted.
   *
   * @throws ChatException {@code HISTORY_UNAVAILABLE} if the store cannot be read
   */
  Marker markerOf(Session session, String room) {
    String user = session.user();
    String lastRead = StoreReads.read(() -> store.readMarker(room, user)).orElse(null);
    int unread = StoreReads.read(() -> store.unread(room, user, lastRead, ServerEvent.Joined.MAX_UNREAD));
    if (lastRead != null) {
      session.readMarker(room, lastRead);
    }
    return new Marker(lastRead, Math.min(unread, ServerEvent.Joined.MAX_UNREAD));
  }

  // ---------------------------------------------------------------- reads

  /** A client's read request, on its inbox. */
  void handle(Session session, ClientRequest.Read request) {
    if ((request.room() == null) == (request.from() == null)) {
      throw new ChatException(ErrorCodes.BAD_REQUEST, "A read names either a room or a user ('from')");
    }
    if (request.throughId() == null) {
      throw new ChatException(ErrorCodes.BAD_REQUEST, "Field 'through' is required");
    }
    Requests.checkId(request.throughId(), "through");
    String throughId = request.throughId();
    String stream;
    if (request.room() != null) {
      if (!session.rooms.contains(request.room())) {
        throw Requests.notInRoom(request.room());
      }
      LocalRoom room = registry.get(request.room());
      String newest;
      synchronized (room) {
        newest = room.lastId();
      }
      if (newest == null) {
        return; // nothing was said in the room: nothing to have read
      }
      if (throughId.compareTo(newest) > 0) {
        throughId = newest; // no further than the room has come, so later messages still count as unread
      }
      stream = request.room();
    } else {
      if (session.user() == null) {
        throw new ChatException(ErrorCodes.NOT_IN_ROOM, "Join a room before reading private messages");
      }
      if (!identities.names().isValidUsername(request.from())) {
        throw new ChatException(ErrorCodes.INVALID_USERNAME, "Usernames are " + identities.names().usernameRule());
      }
      if (!request.from().equals(session.user())) {
        // Only a conversation that exists: a marker row and a receipt only for a user who sent this
        // connection a private message, and no further than the newest it was handed.
        String newest = session.privateSenders.newest(request.from());
        if (newest == null) {
          throw new ChatException(ErrorCodes.UNKNOWN_MESSAGE,
              "This connection received no private message from that user");
        }
        if (throughId.compareTo(newest) > 0) {
          throughId = newest;
        }
      }
      stream = HistoryStore.inbox(request.from());
    }
    if (!session.readLimiter(clock, config.readsPerSecond()).tryAcquire()) {
      throw new ChatException(ErrorCodes.READ_TOO_FAST,
          "At most " + config.readsPerSecond() + " reads a second; this one was dropped");
    }
    String known = session.readMarker(stream);
    if (known != null && throughId.compareTo(known) <= 0) {
      return; // a marker never moves back, and this one is already there
    }
    keep(session, request.requestId(), stream, throughId);
    session.readMarker(stream, throughId);
    ServerEvent.Read event = new ServerEvent.Read(request.room(), session.user(), request.from(), throughId);
    boolean others = request.room() == null || config.roomReadReceipts();
    if (others && hooks.hooks.read() != null) {
      Object result = hooks.decide(session, request.requestId(), ChatMetrics.Hook.READ,
          () -> hooks.hooks.read().onRead(new ReadContext(server, session.info(), event.room(), event.to(), event.throughId())));
      others = !(result instanceof Decision.Reject);
    }
    deliver(event, others, session.id());
    byte[] encoded = ServerEventCodec.encodeEvent(event);
    byte[] payload = Arrays.copyOf(new byte[] {others ? TO_OTHERS : TO_READER}, 1 + encoded.length);
    System.arraycopy(encoded, 0, payload, 1, encoded.length);
    link.relay(payload).whenComplete((done, failure) -> {
      if (failure != null) {
        // The marker is kept; only the live receipt is lost, and the next join reads the marker.
        log.debug("read receipt not relayed: {}", failure.toString());
      }
    });
  }

  /** Queues the marker's write; a store that fails it tells the client, with the request's id. */
  private void keep(Session session, String requestId, String stream, String throughId) {
    CompletableFuture<Void> kept = store.markRead(stream, session.user(), throughId).toCompletableFuture();
    if (kept.isCompletedExceptionally()) {
      Throwable cause = kept.handle((done, failure) -> failure).join();
      if (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof UnsupportedOperationException) {
        throw new ChatException(ErrorCodes.FORBIDDEN, "This server keeps no read markers");
      }
    }
    kept.whenComplete((done, failure) -> {
      if (failure != null) {
        OutageLog.STORE.error("history store failed to keep a read marker", failure);
        session.sendError(requestId, ErrorCodes.HISTORY_UNAVAILABLE, "The read marker could not be kept");
      }
    });
  }

  /**
   * To this node's connections: the reader's own (but the one that read) in the room or all of them
   * for a conversation; then, if the receipt goes to others, the room's other members or the other
   * user's connections.
   */
  private void deliver(ServerEvent.Read event, boolean others, String readingConnection) {
    SharedEvent shared = new SharedEvent(event);
    for (Session session : identities.sessionsOf(event.user())) {
      if (!session.id().equals(readingConnection) && (event.room() == null || session.rooms.contains(event.room()))) {
        session.connection.send(shared);
      }
    }
    if (!others) {
      return;
    }
    if (event.room() != null) {
      LocalRoom room = registry.get(event.room());
      if (room != null) {
        LocalRoom.sendAll(room.members(), event, new Exclusion(null, event.user()));
      }
    } else if (!event.to().equals(event.user())) {
      for (Session session : identities.sessionsOf(event.to())) {
        session.connection.send(shared);
      }
    }
  }

  /** A read receipt another node relayed, on an engine thread. */
  private void onRelay(byte[] payload) {
    ServerEvent event;
    try {
      if (payload.length < 1) {
        throw new IllegalArgumentException("empty");
      }
      event = ServerEventCodec.decodeEvent(Arrays.copyOfRange(payload, 1, payload.length));
    } catch (IllegalArgumentException e) {
      log.error("Dropped a relayed read receipt that could not be decoded (sent by another Parley version?)", e);
      return;
    }
    if (event instanceof ServerEvent.Read read) {
      deliver(read, payload[0] == TO_OTHERS, null);
    } else {
      log.error("Dropped a relayed {} on the read link", LogText.of(event.getClass().getSimpleName()));
    }
  }

  // ---------------------------------------------------------------- deliveries

  /** Whether handing this message to a connection is worth a receipt to its sender. */
  static boolean wantsDelivered(ServerEvent event) {
    return event instanceof ServerEvent.Message m && m.message().kind() == MessageKind.PRIVATE
        && m.message().sender() != null && !m.message().sender().equals(m.message().recipient());
  }

  /**
   * A private message was queued to one of its recipient's connections: the connection remembers its
   * sender (see {@link PrivateSenders}), and its sender's connections, wherever they are, are told
   * (unless {@link ChatConfig#deliveryReceipts()} is off). Any thread; never waits.
   */
  void delivered(Session session, ChatMessage message) {
    session.privateSenders.record(message.sender(), message.id());
    if (!config.deliveryReceipts()) {
      return;
    }
    ServerEvent.Delivered receipt = new ServerEvent.Delivered(message.id(), message.recipient(), session.receiptName());
    engine.toUser(message.sender(), receipt).whenComplete((n, failure) -> {
      if (failure != null) {
        // Receipts are best effort: the message itself was delivered.
        log.debug("delivery receipt not sent: {}", failure.toString());
      }
    });
  }

  /**
   * The name a sender is given for a connection of the recipient: a digest of its id, the same on
   * every node, that tells connections apart without giving away their ids.
   */
  static String nameOf(Session session) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(session.id().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
