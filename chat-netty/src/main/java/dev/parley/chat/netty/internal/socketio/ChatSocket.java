package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.ConnectionInfo;
import dev.parley.chat.socketio.Ack;
import dev.parley.chat.spi.ClientSession;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * One chat socket's state, from the Socket.IO CONNECT (before the socket exists) to its disconnect:
 * its chat session, its requests waiting for answers, the events held until the socket exists, and
 * what connection state recovery keeps of it. Thread-safe: fields are volatile or guarded by this.
 */
final class ChatSocket implements Supplier<SessionState> {
  volatile ClientSession session;
  /** The chat server closed the connection before {@link #session} was known. */
  volatile boolean closeRequested;
  final EarlyEvents early = new EarlyEvents();
  final Correlations correlations = new Correlations();
  /** Until the socket exists: where the chat server's accept or refusal goes. */
  volatile NamespaceImpl.Decided pending;
  volatile ChatConnection connection;
  volatile String refusal;
  /** The error code of that refusal, which the client's {@code connect_error} carries as its data. */
  volatile String refusalCode;
  /** What the chat's connect hook refused with besides ({@code ConnectDecision.reject(message, data)}), or {@code null}. */
  volatile Object refusalData;
  volatile String lastRoom;
  /** The private session id this socket was given; {@code null} when recovery is off. */
  String pid;
  /** Keeps this socket's state in the cluster, once the socket exists; {@code null} when recovery is off. */
  volatile SessionWriter writer;
  /** The client recovered this socket on another connection: its state is no longer this socket's to write. */
  volatile boolean superseded;
  /** A recovery under way, until the socket exists. */
  ChatRecovery.Attempt attempt;
  /** The recovery succeeded: its replies are replayed, not dropped. */
  volatile boolean recovered;
  volatile String user;
  /** The chat connection's id, from its welcome: what a recovery of this socket continues. */
  volatile String connectionId;
  /** The chat connection's data ({@code ChatServer.connectionData}), from its welcome: the socket's data. */
  volatile java.util.concurrent.ConcurrentMap<String, Object> data;
  /** The rooms the client is in, in the order it joined them, and the newest id each join gave. */
  final Floors floors = new Floors();
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

  /** The chat connection as hooks see it, once the chat server welcomed it. */
  Optional<ConnectionInfo> info() {
    ChatConnection c = connection;
    String id = connectionId;
    return c == null || id == null ? Optional.empty() : Optional.of(new ConnectionInfo(id, user, c.handshake()));
  }

  /** The request id for a client's request: one if it asked for an acknowledgement, else none. */
  String ackId(Ack ack) {
    return ack.requested() ? correlations.open(new Correlation.ClientAck(ack)) : null;
  }

  /** A request id even when no ack is wanted, while recovery is on: the server's ack tells the message's id. */
  String ownId(Ack ack) {
    String id = ackId(ack);
    return id != null || pid == null ? id : correlations.open(Correlation.OwnMessage.INSTANCE);
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

  /**
   * The state connection state recovery keeps, as it is now: what its {@link SessionWriter} writes,
   * once the socket is published. The writer's source is this object itself rather than a lambda,
   * which every live socket would hold.
   */
  @Override
  public SessionState get() {
    SocketImpl socket = early.socket();
    return new SessionState(socket.id(), socket.pid(), user, connectionId, floors.copy(), lastRoom, ownIdArray());
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
