package dev.parley.chat.internal;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.ChatServer;
import dev.parley.chat.ClearHistoryHook;
import dev.parley.chat.ConnectHook;
import dev.parley.chat.Delivery;
import dev.parley.chat.DisconnectHook;
import dev.parley.chat.JoinHook;
import dev.parley.chat.LeaveHook;
import dev.parley.chat.MessageHook;
import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.history.InMemoryHistoryStore;
import dev.parley.chat.history.Retention;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.monitoring.Health;
import dev.parley.chat.spi.ClientConnection;
import dev.parley.chat.spi.ClientSession;
import dev.parley.chat.spi.TransportLink;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@link ChatServer} implementation: a façade that wires this node's parts to its cluster
 * engine. {@link Connections} and {@link Requests} serve clients, {@link ServerActions} serve server
 * code; {@link Identities}, {@link RoomRegistry}, {@link RoomMembership}, {@link Recovery} and
 * {@link OfflineInbox} hold this node's side of names, rooms, recovery and kept private messages;
 * {@link HookPolicy} calls the hooks. Thread-safe.
 */
public final class DefaultChatServer implements ChatServer {
  private static final Logger log = LoggerFactory.getLogger(ChatServer.class);

  /**
   * The application's hooks; any may be {@code null}.
   *
   * @param connect connect hook
   * @param join join hook
   * @param message message hook
   * @param leave leave hook
   * @param disconnect disconnect hook
   * @param clearHistory clear-history hook
   * @param typing typing hook
   * @param moderation moderation hook
   * @param read read hook
   * @param change change (edit and delete) hook
   */
  public record Hooks(
      ConnectHook connect,
      JoinHook join,
      MessageHook message,
      LeaveHook leave,
      DisconnectHook disconnect,
      ClearHistoryHook clearHistory,
      dev.parley.chat.TypingHook typing,
      dev.parley.chat.ModerationHook moderation,
      dev.parley.chat.ReadHook read,
      dev.parley.chat.ChangeHook change) {}

  private final ChatConfig config;
  private final ExecutorService ownedExecutor;
  private final HookPolicy hooks;
  private final ClusterEngine engine;
  private final ClusterRepair repair;
  private final HistoryStore store;
  private final RoomRegistry registry;
  private final Connections connections;
  private final ServerActions actions;
  private final MessageChanges changes;
  private final TransportLinks links;
  private final Moderation moderation;
  private final ChatMetrics metrics;
  private volatile boolean started;
  private volatile boolean closed;
  /** Guarded by {@code this}: the parts are closed, or being closed. */
  private boolean shutDown;

  /**
   * @param cluster the engine, or {@code null} for an in-process one on the store
   * @param store the history store, or {@code null} for an in-memory one
   * @param metrics the listener, {@link ChatMetrics#NONE} for none
   */
  public DefaultChatServer(Hooks hooks, ChatConfig config, Clock clock, Executor hookExecutor, ClusterEngine cluster,
      HistoryStore store, ChatMetrics metrics) {
    HistoryStore given = store != null ? store : new InMemoryHistoryStore(
        Retention.messages(Math.max(config.historySize(), config.maxRecoveredMessages() + 1)), clock);
    try {
      given.useServerClock(clock);
      checkRecoveryFitsRetention(config, given.retention());
    } catch (IllegalArgumentException e) {
      given.close(); // the server owns the store from here on, even one it refuses
      throw e;
    }
    this.metrics = metrics;
    // Without a listener the store is called directly: timing it would cost a stage callback per append.
    this.store = metrics == ChatMetrics.NONE ? given : new MeteredStore(given, metrics);
    this.config = config;
    this.engine = cluster != null ? cluster : ClusterEngine.inProcess(this.store, clock, config.maxRooms());
    this.hooks = new HookPolicy(hooks, clock, config.hookTimeout(), metrics);
    Executor executor;
    if (hookExecutor == null) {
      this.ownedExecutor = HookThreads.create();
      executor = ownedExecutor;
    } else {
      this.ownedExecutor = null;
      executor = hookExecutor;
    }
    Names names = new Names(config.maxUsernameLength(), config.maxRoomNameLength());
    Drafts drafts = new Drafts(clock, engine);
    this.registry = new RoomRegistry(engine, this.store, config, drafts);
    Stripes presenceLocks = new Stripes(256);
    this.repair = new ClusterRepair(engine, registry, presenceLocks);
    Identities identities = new Identities(engine, names, repair, new SenderHandover(clock::millis, config.recoveryWindow()));
    RoomMembership membership = new RoomMembership(
        this, engine, registry, new Recovery(engine, config, clock), config, this.hooks, presenceLocks, repair);
    this.links = new TransportLinks(engine);
    Receipts receipts = new Receipts(this, config, clock, this.hooks, engine, this.store, identities, registry, links);
    OfflineInbox inbox = new OfflineInbox(engine, this.store, config, receipts);
    TypingIndicators typing = new TypingIndicators(this, config, clock, this.hooks, engine, identities, registry, links);
    this.connections =
        new Connections(this, config, clock, executor, requestsRunHere(hooks, hookExecutor, cluster, given), this.hooks,
            identities, membership, inbox, typing, metrics);
    this.moderation =
        new Moderation(this, clock, this.hooks, this.store, identities, membership, typing, links, executor);
    Requests requests = new Requests(this, config, this.hooks, engine, this.store, identities, registry, membership,
        inbox, drafts, typing, moderation, receipts, metrics);
    connections.requests(requests);
    this.changes = requests.changes();
    this.actions = new ServerActions(config, engine, identities, registry, inbox, requests, drafts, metrics);
    try {
      // The log must hold a join's history and, past the newest message a client has, as many as a
      // recovery may hand back (plus one to tell that none were dropped): an engine that reads only
      // its log (Redis) could otherwise never vouch for a full recovery.
      int logSize = Math.max(config.historySize(), config.maxRecoveredMessages() + 1);
      Stages.await(engine.start(new ThisNode(registry, identities, links, metrics, repair, receipts), logSize));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    metrics.gauge(ChatMetrics.Gauge.ROOMS, registry::size);
    metrics.gauge(ChatMetrics.Gauge.USERS, identities::users);
    started = true;
  }

  /**
   * Whether requests may run on the transport's I/O thread that received them, saving the hand-off
   * to the hook executor and back (about a quarter of a private message's cost on one core). Only when
   * nothing a request calls can block: no hooks, the in-process engine and the in-memory store, whose
   * stages are all complete when returned. An executor given by the application is where it wants
   * requests to run; {@code Runnable::run} is its way to say that its hooks never block.
   */
  static boolean requestsRunHere(Hooks hooks, Executor hookExecutor, ClusterEngine cluster, HistoryStore store) {
    boolean noHooks = hooks.connect() == null && hooks.join() == null && hooks.message() == null
        && hooks.leave() == null && hooks.disconnect() == null && hooks.clearHistory() == null
        && hooks.typing() == null && hooks.moderation() == null && hooks.read() == null && hooks.change() == null;
    return noHooks && hookExecutor == null && cluster == null && store instanceof InMemoryHistoryStore;
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

  @Override
  public ClientSession open(ClientConnection connection) {
    return connections.open(connection);
  }

  @Override
  public TransportLink link(String transport, TransportLink.Receiver receiver) {
    checkOpen();
    return links.link(transport, receiver);
  }

  /** Queries and links after the close throw; actions fail their stage ({@link #ifOpen}). */
  private void checkOpen() {
    if (closed) {
      throw Connections.serverClosed();
    }
  }

  private <T> CompletionStage<T> ifOpen(Supplier<CompletionStage<T>> action) {
    return closed ? Stages.failed(Connections.serverClosed()) : action.get();
  }

  // ---------------------------------------------------------------- actions

  @Override
  public CompletionStage<Delivery> distributeMsg(String room, String sender, String text, Map<String, ?> data) {
    return ifOpen(() -> actions.distributeMsg(room, sender, text, data));
  }

  @Override
  public CompletionStage<Delivery> broadcast(String room, String text) {
    return ifOpen(() -> actions.broadcast(room, text));
  }

  @Override
  public CompletionStage<Delivery> sendPrivate(String from, String to, String text, Map<String, ?> data) {
    return ifOpen(() -> actions.sendPrivate(from, to, text, data));
  }

  @Override
  public CompletionStage<Delivery> sendSystem(String connectionId, String text) {
    return ifOpen(() -> actions.sendSystem(connectionId, text));
  }

  @Override
  public Optional<ConcurrentMap<String, Object>> connectionData(String connectionId) {
    return actions.connectionData(connectionId);
  }

  @Override
  public CompletionStage<Integer> disconnect(String user, String reason) {
    return ifOpen(() -> actions.disconnect(user, reason));
  }

  @Override
  public CompletionStage<Void> clearHistory(String room) {
    return ifOpen(() -> actions.clearHistory(room));
  }

  @Override
  public CompletionStage<Void> kick(String room, String user, String reason) {
    return ifOpen(() -> Stages.forAction(moderation.kick(room, user, reason)));
  }

  @Override
  public CompletionStage<Void> mute(String room, String user, java.time.Duration duration, String reason) {
    return ifOpen(() -> Stages.forAction(moderation.mute(room, user, duration, reason)));
  }

  @Override
  public CompletionStage<Void> unmute(String room, String user) {
    return ifOpen(() -> Stages.forAction(moderation.unmute(room, user)));
  }

  @Override
  public CompletionStage<Void> ban(String room, String user, java.time.Duration duration, String reason) {
    return ifOpen(() -> Stages.forAction(moderation.ban(room, user, duration, reason)));
  }

  @Override
  public CompletionStage<Void> unban(String room, String user) {
    return ifOpen(() -> Stages.forAction(moderation.unban(room, user)));
  }

  @Override
  public CompletionStage<ChatMessage> editMessage(String room, String messageId, String text, Map<String, ?> data) {
    if (text == null) {
      return Stages.failed(new NullPointerException("text")); // no action throws
    }
    return ifOpen(() -> changes.change(room, messageId, text, data));
  }

  @Override
  public CompletionStage<ChatMessage> deleteMessage(String room, String messageId) {
    return ifOpen(() -> changes.change(room, messageId, null, null));
  }

  @Override
  public CompletionStage<java.util.List<dev.parley.chat.history.Restriction>> restrictions(String room) {
    return ifOpen(() -> Stages.forAction(moderation.restrictions(room)));
  }

  // ---------------------------------------------------------------- queries

  @Override
  public Set<String> rooms() {
    checkOpen();
    return Collections.unmodifiableSet(new TreeSet<>(Stages.await(engine.rooms())));
  }

  @Override
  public List<String> members(String room) {
    checkOpen();
    return Stages.await(engine.members(room));
  }

  @Override
  public List<ChatMessage> history(String room) {
    checkOpen();
    return registry.history(room);
  }

  @Override
  public Set<String> onlineUsers() {
    checkOpen();
    return Collections.unmodifiableSet(new TreeSet<>(Stages.await(engine.onlineUsers())));
  }

  @Override
  public ChatConfig config() {
    return config;
  }

  @Override
  public ChatMetrics metrics() {
    return metrics;
  }

  @Override
  public Health health() {
    Health server = closed ? Health.down("closed") : started ? Health.up("") : Health.down("starting");
    return Health.of(Map.of("server", server, "store", check(store::health), "cluster", check(engine::health)));
  }

  /** A part whose check fails is down, whatever the failure: a health check must answer. */
  private static Health check(java.util.function.Supplier<Health> part) {
    try {
      return part.get();
    } catch (RuntimeException e) {
      return Health.down(e.toString());
    }
  }

  @Override
  public void close() {
    // First of all, and outside the lock, so that nothing new starts on the parts being closed:
    // connections, requests, actions and queries from here on get SERVER_CLOSED.
    closed = true;
    connections.close();
    synchronized (this) { // a second close returns once the first has
      if (shutDown) {
        return;
      }
      shutDown = true;
      long start = System.nanoTime();
      repair.close();
      engine.close();
      if (started) {
        log.info("closed the cluster engine: node {} left the cluster", engine.nodeId());
      }
      if (ownedExecutor != null) {
        ownedExecutor.shutdown();
      }
      hooks.close();
      store.close();
      if (started) {
        log.info("history store closed, what it had queued made durable; chat server closed in {} ms",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      }
    }
  }
}
