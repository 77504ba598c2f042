package dev.parley.chat;

import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.history.InMemoryHistoryStore;
import dev.parley.chat.internal.DefaultChatServer;
import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.monitoring.Health;
import dev.parley.chat.spi.ClientConnection;
import dev.parley.chat.spi.ClientSession;
import dev.parley.chat.spi.TransportLink;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;

/**
 * A chat server: rooms, users, history and delivery, with hooks for application logic. It knows
 * nothing about networks; a transport such as {@code NettyChatServer} connects clients to it, and
 * {@code ChatTestKit} connects in-memory clients for tests.
 *
 * <pre>{@code
 * ChatServer chat = ChatServer.builder()
 *     .onJoin(join -> { join.reply("Welcome to " + join.room()); return Decision.accept(); })
 *     .onMessage(msg -> msg.message().text().isBlank()
 *         ? MessageDecision.reject("EMPTY", "Say something")
 *         : MessageDecision.accept())
 *     .build();
 * }</pre>
 *
 * <h2>What happens without hooks</h2>
 * A client joins a room with a username (unique among connected users; a readable one is generated
 * when it gives none). Its room messages go to everyone else in the room; a message starting with
 * {@code @name } goes privately to that user, as does an explicit private message. Joins and leaves,
 * including disconnects, are announced to the room ("alice has joined", "alice has left"), and the
 * room's recent history is sent to every joining client.
 *
 * <h2>Threading</h2>
 * <ul>
 *   <li>Every method of this interface is safe to call from any thread, including from hooks.
 *   <li>Hooks never run on a transport's I/O threads. They run on the hook executor (by default a
 *       pool of daemon threads owned by this server), so they may block.
 *   <li>The requests of one connection are handled one at a time, in the order they arrived: a
 *       connection's hooks never run concurrently with each other.
 *   <li>Messages to one room are delivered to all its members in a single order, the room's order,
 *       which its history keeps; in particular, messages from one sender to one room arrive in the
 *       order they were sent.
 *   <li>Actions never wait for a network: they return a stage. With the default, in-process {@link
 *       dev.parley.chat.cluster.ClusterEngine} it completes as soon as the message is queued to every
 *       recipient's connection (with {@link AckTiming#ON_COMMIT}, once the history store has also made
 *       it durable); with an engine for several nodes, once the engine has ordered and routed it, on
 *       one of the engine's threads (with {@code chat-cluster-redis}, a Lettuce I/O thread or {@code
 *       parley-redis-engine}). Callbacks chained to such a stage run there: they must not block, nor
 *       call a query, which can hold the thread that must bring its answer and then fails; hand such
 *       work to an executor of yours ({@code thenAcceptAsync(..., executor)}).
 *   <li>Queries ({@link #rooms()}, {@link #members(String)}, {@link #history(String)}, {@link
 *       #onlineUsers()}) answer for the whole cluster: they wait for the engine, for at most 10
 *       seconds, which the in-process one never makes them do. If the engine cannot answer in time
 *       they throw a {@link ChatException} with {@link ErrorCodes#CLUSTER_UNAVAILABLE}.
 * </ul>
 *
 * <h2>Lifecycle</h2>
 * A server has two states, and moves from the first to the second once:
 * <ul>
 *   <li><b>Open</b>, from the moment {@link Builder#build()} returns (its cluster engine started):
 *       it accepts connections, serves their requests, and runs actions and queries.
 *   <li><b>Closed</b>, from the moment {@link #close()} is first called, on any thread, even before
 *       that call returns. From then on:
 *       <ul>
 *         <li>a new connection ({@link #open}) is refused: it is sent an error with {@link
 *             ErrorCodes#SERVER_CLOSED}, then closed with {@link
 *             dev.parley.chat.spi.CloseCodes#GOING_AWAY}, so that its client reconnects, to this
 *             server once restarted or to another node; no hook is called for it;
 *         <li>a request from a connection still open is answered with a {@code SERVER_CLOSED} error
 *             and has no effect; the connection stays open until its transport closes it;
 *         <li>an action returns a stage failed with a {@link ChatException} with {@code
 *             SERVER_CLOSED}, and a query, or {@link #link}, throws one;
 *         <li>{@link #config()}, {@link #metrics()}, {@link #connectionData} and {@link #health()}
 *             (DOWN, {@code "closed"}) still answer.
 *       </ul>
 *       What began before the close (a request being handled, an action whose stage is not yet
 *       complete, a hook running) either completes or fails, with {@code SERVER_CLOSED} or the
 *       error of the part it found closed.
 * </ul>
 * {@link #close()} does not close connections: stop the transport first ({@code
 * NettyChatServer.stop()}), so that every connection leaves its rooms and its disconnect hook
 * runs while the cluster engine and the history store are still open.
 */
public interface ChatServer extends AutoCloseable {
  // Over 500 lines on purpose: the one entry point of the public API, each action and query with the
  // Javadoc that is its contract, and its Builder, which applications name as ChatServer.Builder;
  // moving either out would split one type's contract over files, or change the API.


  /** Starts building a server. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Sends a user's message to a room, to every member except that user's connections — the room
   * message a client sends, sent from server code. The sender need not be a member (for example a
   * bot).
   *
   * @param room the room; it must exist
   * @param sender the name shown as the sender
   * @param text the text
   * @return the delivery, or a stage failed with {@link ChatException} ({@link ErrorCodes#UNKNOWN_ROOM})
   */
  default CompletionStage<Delivery> distributeMsg(String room, String sender, String text) {
    return distributeMsg(room, sender, text, Map.of());
  }

  /**
   * As {@link #distributeMsg(String, String, String)}, with structured data.
   *
   * @param room the room; it must exist
   * @param sender the name shown as the sender
   * @param text the text
   * @param data JSON-compatible values sent with the message
   * @return the delivery, or a stage failed with {@link ChatException}
   */
  CompletionStage<Delivery> distributeMsg(String room, String sender, String text, Map<String, ?> data);

  /**
   * Sends a private message to every connection of one user.
   *
   * @param from the name shown as the sender
   * @param to the receiving user; they must be connected
   * @param text the text
   * @return the delivery, or a stage failed with {@link ChatException} ({@link ErrorCodes#UNKNOWN_USER})
   */
  default CompletionStage<Delivery> sendPrivate(String from, String to, String text) {
    return sendPrivate(from, to, text, Map.of());
  }

  /**
   * As {@link #sendPrivate(String, String, String)}, with structured data.
   *
   * @param from the name shown as the sender
   * @param to the receiving user; they must be connected
   * @param text the text
   * @param data JSON-compatible values sent with the message
   * @return the delivery, or a stage failed with {@link ChatException}
   */
  CompletionStage<Delivery> sendPrivate(String from, String to, String text, Map<String, ?> data);

  /**
   * Sends a notice to every member of a room, and keeps it in the room's history.
   *
   * @param room the room; it must exist
   * @param text the text
   * @return the delivery, or a stage failed with {@link ChatException} ({@link ErrorCodes#UNKNOWN_ROOM})
   */
  CompletionStage<Delivery> broadcast(String room, String text);

  /**
   * Sends a notice to one connection, for example a greeting or a system message. It is not kept in
   * any history. A connection on another node of a cluster is reached once it has a name (the
   * cluster knows where a name's connections are); before that, only from its own node, which is
   * where its hooks run.
   *
   * @param connectionId the id from {@link ConnectionInfo#id()}
   * @param text the text
   * @return the delivery, or a stage failed with {@link ChatException} ({@link
   *     ErrorCodes#UNKNOWN_CONNECTION})
   */
  CompletionStage<Delivery> sendSystem(String connectionId, String text);

  /**
   * Data of the application's, kept with one connection of this node for as long as it is open, as
   * socket.io's {@code socket.data} and netty-socketio's {@code client.set}: a hook can keep what it
   * learnt about the connection under its id ({@code ctx.connection().id()}), and later hooks of
   * the same connection, or server code, find it there. On the Socket.IO chat namespace, a socket's
   * {@code SocketIoClient.data()} is this same map, so Socket.IO handlers and hooks share it. A
   * thread-safe map, on this node only (the cluster does not share it); it goes when the connection
   * closes, and a Socket.IO client's recovered socket starts with an empty one.
   *
   * @param connectionId the id from {@link ConnectionInfo#id()}
   * @return the connection's map, or empty if no connection with this id is open on this node
   */
  Optional<ConcurrentMap<String, Object>> connectionData(String connectionId);

  /**
   * Disconnects every connection of a user. Each is closed with {@link
   * dev.parley.chat.spi.CloseCodes#DISCONNECTED_BY_SERVER} and the reason; their rooms are told they
   * left.
   *
   * @param user the user
   * @param reason a short reason the client receives (at most 123 bytes of UTF-8 are sent)
   * @return the number of connections closed, or a stage failed with {@link ChatException} ({@link
   *     ErrorCodes#UNKNOWN_USER})
   */
  CompletionStage<Integer> disconnect(String user, String reason);

  /**
   * Empties a room's history and tells its members.
   *
   * @param room the room; it must exist
   * @return a stage completed when done, or failed with {@link ChatException} ({@link
   *     ErrorCodes#UNKNOWN_ROOM})
   */
  CompletionStage<Void> clearHistory(String room);

  /**
   * Takes a user out of a room, on every node, without disconnecting them: each of their connections
   * in the room gets {@link dev.parley.chat.spi.ServerEvent.Kicked} instead of a leave, the room is
   * told they left, and they may join again.
   *
   * @param room the room
   * @param user the user
   * @param reason a reason the user is shown (may be empty)
   * @return completes once every node was told (not once every connection left)
   */
  CompletionStage<Void> kick(String room, String user, String reason);

  /**
   * Refuses a user's messages to a room for a while, on every node ({@link ErrorCodes#MUTED}). Their
   * connections are told with {@link dev.parley.chat.spi.ServerEvent.Muted}. The mute is kept in the
   * history store ({@link HistoryStore#restrict}), so it outlives restarts and holds on every node
   * that uses the store.
   *
   * @param room the room
   * @param user the user
   * @param duration how long, at least 1 ms; a new mute replaces the previous one
   * @param reason a reason the user is shown (may be empty)
   * @return completes once the mute is durable and every node was told; fails if the store keeps no
   *     mutes
   */
  CompletionStage<Void> mute(String room, String user, java.time.Duration duration, String reason);

  /**
   * Ends a user's mute in a room early, on every node.
   *
   * @param room the room
   * @param user the user
   * @return completes once the removal is durable and every node was told
   */
  CompletionStage<Void> unmute(String room, String user);

  /**
   * Bans a user from a room: kicks them now (as {@link #kick}, with the ban in the event), and
   * refuses their joins with {@link ErrorCodes#BANNED} until it ends. The ban is kept in the history
   * store ({@link HistoryStore#restrict}), so it outlives restarts and holds
   * on every node that uses the store.
   *
   * @param room the room
   * @param user the user
   * @param duration how long; {@code null} for a permanent ban
   * @param reason a reason the user is shown (may be empty)
   * @return completes once the ban is durable and every node was told to kick; fails if the store
   *     keeps no bans
   */
  CompletionStage<Void> ban(String room, String user, java.time.Duration duration, String reason);

  /**
   * Lifts a user's ban from a room.
   *
   * @param room the room
   * @param user the user
   * @return completes once the removal is durable and every node was told
   */
  CompletionStage<Void> unban(String room, String user);

  /**
   * Edits a message of a room, whoever sent it, without asking the {@link ChangeHook} or the {@link
   * MessageHook}: the room's members receive its new version, which replaces it in history.
   *
   * @param room the room
   * @param messageId the message's id; it must be among the room's newest messages ({@link
   *     ErrorCodes#MESSAGE_TOO_OLD} otherwise)
   * @param text the new text, within {@link ChatConfig#maxMessageLength()}
   * @param data the new structured data, or {@code null} for none
   * @return the new version once kept as {@link AckTiming} says; or a stage failed with {@link
   *     ChatException} ({@link ErrorCodes#UNKNOWN_MESSAGE}, {@link ErrorCodes#MESSAGE_TOO_OLD}, or a
   *     content code as for a message)
   */
  CompletionStage<ChatMessage> editMessage(String room, String messageId, String text, Map<String, ?> data);

  /**
   * Deletes a message of a room, whoever sent it, without asking the {@link ChangeHook}: the room's
   * members receive its tombstone, which replaces it in history.
   *
   * @param room the room
   * @param messageId the message's id, among the room's newest messages
   * @return the tombstone once kept; or a stage failed as for {@link #editMessage}
   */
  CompletionStage<ChatMessage> deleteMessage(String room, String messageId);

  /**
   * The bans and mutes of a room that hold now, with when each ends, as the history store keeps them
   * (so as every node enforces them). Reads the store on the hook executor.
   *
   * @param room the room
   * @return bans first, then mutes, each by user; fails with {@link ChatException} ({@link
   *     ErrorCodes#HISTORY_UNAVAILABLE}) if the store cannot be read
   */
  CompletionStage<java.util.List<dev.parley.chat.history.Restriction>> restrictions(String room);

  /** The names of all rooms in the cluster (with members, or with messages in the engine's log), sorted. */
  Set<String> rooms();

  /** The users in a room, sorted; empty if there is no such room. */
  List<String> members(String room);

  /** The room's recent messages, oldest first; empty if there is no such room. */
  List<ChatMessage> history(String room);

  /** The users with at least one connection, sorted. */
  Set<String> onlineUsers();

  /** The configuration this server was built with. */
  ChatConfig config();

  /**
   * The listener this server reports to, {@link ChatMetrics#NONE} unless one was given to {@link
   * Builder#metrics(ChatMetrics)}: for transports and cluster engines, which report to it too.
   *
   * @return the listener
   */
  default ChatMetrics metrics() {
    return ChatMetrics.NONE;
  }

  /**
   * Whether this server is ready: UP once built and until closed, with its history store reachable
   * and its cluster engine connected. Its parts are {@code "server"}, {@code "store"} ({@link
   * HistoryStore#health()}) and {@code "cluster"} ({@link ClusterEngine#health()}). Safe from any
   * thread; it asks the store, which may take a database round trip, so call it from a thread that
   * may block (not a transport's I/O thread). A check that throws counts as DOWN.
   *
   * @return the health, a new value each call
   */
  default Health health() {
    return Health.up("");
  }

  /**
   * Connects a client: for transports, not for applications. The returned session receives the
   * client's requests; the server answers through {@code connection}.
   *
   * @param connection the transport's side of the connection
   * @return the server's side of the connection
   */
  ClientSession open(ClientConnection connection);

  /**
   * Links a transport to the same transport on the other nodes of the cluster: for transports, not
   * for applications. See {@link TransportLink}.
   *
   * @param transport the transport's name, the same on every node (for example {@code "socket.io"}),
   *     at most 255 bytes of UTF-8: relays reach the links of that name only
   * @param receiver gets what links of that name on the other nodes relay
   * @return the link, until closed
   * @throws IllegalArgumentException if the name is empty or longer than 255 bytes of UTF-8
   */
  TransportLink link(String transport, TransportLink.Receiver receiver);

  /**
   * Closes the server (see <a href="#lifecycle">Lifecycle</a>): at once, new connections, requests,
   * actions and queries are refused with {@link ErrorCodes#SERVER_CLOSED}; then it closes the
   * cluster engine, stops the hook executor if this server created it, and closes the history
   * store. It returns once the engine has left the cluster and the store has made what it queued
   * durable; it does not wait for hooks still running, nor close connections (stop the transport
   * first). An engine for several nodes leaves the cluster here, so this may block while it reaches
   * the shared state: {@code chat-cluster-redis} for up to about three times its command timeout.
   * Logs at INFO that it left the cluster, closed the store, and how long that took. Safe from any
   * thread; a second call does nothing more, and returns once the first has.
   */
  @Override
  void close();

  /**
   * Builds a {@link ChatServer}. Each hook may be set once; every hook is optional.
   */
  final class Builder {
    private ConnectHook connectHook;
    private JoinHook joinHook;
    private MessageHook messageHook;
    private LeaveHook leaveHook;
    private DisconnectHook disconnectHook;
    private ClearHistoryHook clearHistoryHook;
    private TypingHook typingHook;
    private ModerationHook moderationHook;
    private ReadHook readHook;
    private ChangeHook changeHook;
    private ChatConfig config = ChatConfig.defaults();
    private Clock clock = Clock.systemUTC();
    private Executor hookExecutor;
    private ClusterEngine cluster;
    private HistoryStore historyStore;
    private ChatMetrics metrics = ChatMetrics.NONE;

    private Builder() {}

    /** Decides whether a connection may stay and who it is. */
    public Builder onConnect(ConnectHook hook) {
      this.connectHook = once(this.connectHook, hook, "onConnect");
      return this;
    }

    /** Decides whether a connection may join a room. */
    public Builder onJoin(JoinHook hook) {
      this.joinHook = once(this.joinHook, hook, "onJoin");
      return this;
    }

    /** Decides what happens to each message a client sends. */
    public Builder onMessage(MessageHook hook) {
      this.messageHook = once(this.messageHook, hook, "onMessage");
      return this;
    }

    /** Is told when a connection left a room. */
    public Builder onLeave(LeaveHook hook) {
      this.leaveHook = once(this.leaveHook, hook, "onLeave");
      return this;
    }

    /** Is told when a connection closed. */
    public Builder onDisconnect(DisconnectHook hook) {
      this.disconnectHook = once(this.disconnectHook, hook, "onDisconnect");
      return this;
    }

    /** Decides whether a client may clear a room's history; without it, clients may not. */
    public Builder onClearHistory(ClearHistoryHook hook) {
      this.clearHistoryHook = once(this.clearHistoryHook, hook, "onClearHistory");
      return this;
    }

    /** Decides whether a connection's typing indicator is passed on; without it, every one is. */
    public Builder onTyping(TypingHook hook) {
      this.typingHook = once(this.typingHook, hook, "onTyping");
      return this;
    }

    /** Decides whether a client may kick, mute or ban; without it, clients may not ({@link ErrorCodes#FORBIDDEN}). */
    public Builder onModerate(ModerationHook hook) {
      this.moderationHook = once(this.moderationHook, hook, "onModerate");
      return this;
    }

    /**
     * Decides whether others learn how far a user read (a read receipt); without it, every receipt
     * {@link ChatConfig#roomReadReceipts()} allows is sent, and every private one.
     */
    public Builder onRead(ReadHook hook) {
      this.readHook = once(this.readHook, hook, "onRead");
      return this;
    }

    /**
     * Decides whether a client may edit or delete a message; without it, users may change only their
     * own messages.
     */
    public Builder onChange(ChangeHook hook) {
      this.changeHook = once(this.changeHook, hook, "onChange");
      return this;
    }

    /** Limits and behaviour; default {@link ChatConfig#defaults()}. */
    public Builder config(ChatConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** The clock for message times and rate limits; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Where hooks and request handling run. Default: on Java 21 and later a virtual thread per task;
     * before, a pool of daemon threads (twice the number of processors, at least 4) that adds threads,
     * up to 256, whenever every thread is busy, then queues up to 10,000 tasks; {@link
     * ChatServer#close()} shuts it down. Each connection's work runs one task at a time on it, so a
     * blocked hook stalls only its own connection while the executor has threads to spare: an executor
     * given here should grow too. It is not shut down by the server. {@code Runnable::run} runs
     * everything on the transport's threads: only for hooks that never block, and not with an engine
     * for several nodes, whose requests wait for the network and would stall the transport's I/O
     * threads. Left unset on a server without hooks, with the in-process engine and the in-memory
     * store, requests run on the transport's thread that received them, as nothing can make them
     * wait: that saves two thread hand-offs per request.
     */
    public Builder hookExecutor(Executor executor) {
      this.hookExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The cluster engine: what the server shares with other nodes (room order and log, names,
     * presence, routing). Default: {@link ClusterEngine#inProcess(HistoryStore, Clock, int)} on the
     * server's history store, clock and {@link ChatConfig#maxRooms()}: this process is the only node.
     * The server starts the engine when it is built and closes it when it is closed.
     */
    public Builder cluster(ClusterEngine engine) {
      this.cluster = Objects.requireNonNull(engine, "engine");
      return this;
    }

    /**
     * Where room history and kept private messages live. Default: an {@link InMemoryHistoryStore}
     * keeping, per room and per inbox, the larger of {@link ChatConfig#historySize()} and one more
     * than {@link ChatConfig#maxRecoveredMessages()} messages, of any age. {@link #build()} gives the
     * store the server's {@link #clock(Clock) clock} ({@link HistoryStore#useServerClock}). The server
     * closes the store when it is closed.
     */
    public Builder historyStore(HistoryStore store) {
      this.historyStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Where the server, its transport and its cluster engine report what to count, for metrics; for
     * example {@code MicrometerChatMetrics} from {@code chat-metrics-micrometer}. Default {@link
     * ChatMetrics#NONE}, which costs nothing. See {@link ChatMetrics} for the threads it is called on.
     */
    public Builder metrics(ChatMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /**
     * Builds the server and starts its cluster engine, waiting for it for at most 10 seconds.
     *
     * @throws IllegalArgumentException if the recovery limits of the configuration exceed the history
     *     store's retention, or the store was built with a clock other than the server's ({@link
     *     HistoryStore#useServerClock}); the history store is closed
     * @throws ChatException with {@link ErrorCodes#CLUSTER_UNAVAILABLE} if the engine could not start
     *     in time or could not reach the cluster (for example Redis is unreachable); the engine, the
     *     history store and the hook executor this server made are closed
     */
    public ChatServer build() {
      return new DefaultChatServer(
          new DefaultChatServer.Hooks(
              connectHook, joinHook, messageHook, leaveHook, disconnectHook, clearHistoryHook, typingHook,
              moderationHook, readHook, changeHook),
          config,
          clock,
          hookExecutor,
          cluster,
          historyStore,
          metrics);
    }

    private static <T> T once(T existing, T hook, String name) {
      Objects.requireNonNull(hook, name);
      if (existing != null) {
        throw new IllegalStateException(name + " is already set; each hook may be set once");
      }
      return hook;
    }
  }
}
