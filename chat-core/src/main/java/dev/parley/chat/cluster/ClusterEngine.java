package dev.parley.chat.cluster;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.internal.cluster.InProcessEngine;
import dev.parley.chat.spi.ServerEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Everything a chat server would otherwise decide alone, so that several servers (nodes) can behave
 * as one chat. The server keeps only what concerns its own connections (who is connected here, which
 * of them are in which room, what is queued to each) and asks its engine for the rest:
 *
 * <ul>
 *   <li><b>Order.</b> Each room has one total order of {@linkplain RoomEntry entries}, decided by
 *       {@link #publish}; message ids increase in it. Every node that {@linkplain #follow follows} a
 *       room is given its entries in that order, each exactly once, through {@link
 *       LocalNode#onRoomEntry}; when the engine cannot do that (its log lost entries a node had not
 *       seen) it says so with {@link LocalNode#onRoomReset}, never silently.
 *   <li><b>Log.</b> A bounded log of each room's recent messages, for history on join and for
 *       recovery ({@link #recent}, {@link #after}). The {@link dev.parley.chat.history.HistoryStore}
 *       keeps the long history; the log is what the engine can vouch for.
 *   <li><b>Names.</b> Usernames are claimed cluster-wide ({@link #claim}, {@link #release}).
 *   <li><b>Presence.</b> Which user is in which room on any node ({@link #enter}, {@link #exit}),
 *       counting connections: a user enters a room with their first connection in it and leaves
 *       with their last, cluster-wide. Which rooms exist and who is online.
 *   <li><b>Routing.</b> Private messages reach every connection of a user on any node ({@link
 *       #toUser}); a system message or a close reaches a connection or a user wherever it is.
 *   <li><b>Recovery state</b> of transports (Socket.IO's connection state recovery), kept where any
 *       node can take it over ({@link #keepSession}, {@link #takeSession}).
 *   <li><b>Relay.</b> What transports broadcast outside chat rooms (a Socket.IO emit to a namespace
 *       or to one of its rooms) reaches the other nodes ({@link #relay}).
 * </ul>
 *
 * <p>Parley ships an in-process engine (the default; one node) and, in {@code chat-cluster-redis},
 * one on Redis. Test an engine with {@code ClusterEngineContract} from {@code chat-testkit}.
 *
 * <h2>Threading and lifecycle</h2>
 *
 * The server calls {@link #start} once, before anything else, and {@link #close} once, last; the
 * engine belongs to one server. Every other method may be called from any thread and returns a stage
 * that completes on an engine thread (or at once), so that callers never wait for the network. The
 * in-process engine completes every stage at once, and so may block the caller for a history-store
 * read: on a room's first use (its log is loaded from the store) and in {@link #after} beyond the
 * log. A stage fails with {@link ClusterUnavailableException} when the engine cannot reach the
 * shared state (for example Redis is down); it must then fail quickly (within the engine's own
 * timeout), never queue without bound. Engines call {@link LocalNode} from their own threads; calls
 * for one room come one at a time.
 *
 * <p>Ids: the engine gives each room message its final id and time at {@link #publish} (and each
 * message outside rooms at {@link #nextId}), with {@link MessageIds}, so that ids increase in each
 * room's order and are unique in the cluster.
 */
public interface ClusterEngine extends AutoCloseable {

  /**
   * Binds the engine to its server's node and starts it. Called once, before any other method.
   *
   * @param node this node's connections, to which the engine delivers what other nodes send
   * @param logSize the engine keeps at least this many of each room's newest messages in its log;
   *     the server passes the larger of {@link ChatConfig#historySize()} and {@link
   *     ChatConfig#maxRecoveredMessages()} + 1, and asks for history and recovery within it
   * @return completes when the engine is ready; the server does not accept connections before
   */
  CompletionStage<Void> start(LocalNode node, int logSize);

  /**
   * This node's id in the cluster, unique among the live nodes: valid once {@link #start}'s stage
   * has completed. It is new at every start, and may change while the node runs: an engine that
   * evicted the node (it was given up as dead) gives it a new id when it rejoins.
   */
  String nodeId();

  // ------------------------------------------------------------------ order and log

  /**
   * Appends an entry to a room's order and delivers it to every node that follows the room
   * (including this one, if it does). A {@link ServerEvent.Message} is given its final id and time;
   * so is the notice a {@link ServerEvent.Presence} may carry, which takes its place in the order as a
   * message would but is not kept in the log (never returned by {@link #recent} or {@link #after});
   * the other events keep theirs. A {@link ServerEvent.HistoryCleared} is given its place: its
   * {@code throughId} becomes the id of the newest message ordered before it in the room ({@code
   * null} if none was), on this node and every follower, whatever the publisher passed. It also
   * empties the room's log, in order: messages published after it stay.
   *
   * @param room the room
   * @param event a {@link ServerEvent.Message}, {@link ServerEvent.Presence} or {@link
   *     ServerEvent.HistoryCleared} of that room
   * @param except who of the room's members the entry is not delivered to
   * @return the event as ordered (a message with its final id, a clear with its {@code throughId});
   *     completes once the order holds it
   */
  CompletionStage<ServerEvent> publish(String room, ServerEvent event, Exclusion except);

  /**
   * Starts delivering a room's entries to this node, after a snapshot of its log. Calls for one room
   * are counted: the room is followed until as many {@link #unfollow}s came.
   *
   * @param room the room
   * @param recent how many of the newest messages the snapshot holds at most (0 for none)
   * @return the snapshot; {@link LocalNode#onRoomEntry} then gives exactly the entries after it
   */
  CompletionStage<RoomSnapshot> follow(String room, int recent);

  /**
   * Stops delivering a room's entries to this node (when its last local member left).
   *
   * @param room the room
   */
  void unfollow(String room);

  /**
   * The newest messages of a room's log, oldest first, without following it.
   *
   * @param room the room
   * @param limit the most messages to return
   * @return up to {@code limit} messages
   */
  CompletionStage<List<ChatMessage>> recent(String room, int limit);

  /**
   * What a client missed: every message of a room after an id, if the log still holds all of them.
   *
   * @param room the room
   * @param afterId the id of the last message the client has
   * @param limit the most messages the caller takes
   * @return the messages after {@code afterId}, oldest first; empty when the log cannot vouch for
   *     them all (it dropped some, or more than {@code limit} came, or it does not know the id)
   */
  CompletionStage<Optional<List<ChatMessage>>> after(String room, String afterId, int limit);

  /**
   * A fresh message id for a message that is in no room's order (private messages, system notices).
   *
   * @return an id greater than every id this node has seen, unique in the cluster
   */
  CompletionStage<String> nextId();

  // ------------------------------------------------------------------ names and presence

  /**
   * Claims a username for a connection.
   *
   * @param user the name
   * @param connectionId the connection
   * @param shared whether the name may be shared with other connections that also claim it shared
   *     (a name the connect hook chose); a name claimed not shared is the connection's alone
   * @return {@code true} if the connection now holds the name
   */
  CompletionStage<Boolean> claim(String user, String connectionId, boolean shared);

  /**
   * Claims a username for a connection that continues an earlier one: a transport resumed the
   * client's session (Socket.IO's connection state recovery) on a new connection, perhaps on another
   * node, while the earlier one may still hold the name (its node died and is not reaped yet, or its
   * close is still under way). The earlier connection's claim on the name, wherever it is, passes to
   * this one; then the name is claimed as by {@link #claim}. Only the server's transport says which
   * connection continues which, never a client.
   *
   * @param user the name
   * @param connectionId the new connection
   * @param shared as for {@link #claim}
   * @param earlierConnectionId the connection this one continues
   * @return {@code true} if the connection now holds the name
   */
  CompletionStage<Boolean> takeOver(String user, String connectionId, boolean shared, String earlierConnectionId);

  /**
   * Releases a connection's claim on a name; the user goes offline with their last connection.
   *
   * @param user the name
   * @param connectionId the connection
   */
  CompletionStage<Void> release(String user, String connectionId);

  /**
   * Puts a connection of a user in a room.
   *
   * @return {@code true} if it is the user's first connection in the room, anywhere
   */
  CompletionStage<Boolean> enter(String room, String user, String connectionId);

  /**
   * Takes a connection of a user out of a room.
   *
   * @return {@code true} if it was the user's last connection in the room, anywhere
   */
  CompletionStage<Boolean> exit(String room, String user, String connectionId);

  /** The users in a room, in name order. */
  CompletionStage<List<String>> members(String room);

  /** The rooms that have members or kept messages. */
  CompletionStage<Set<String>> rooms();

  /** The users with at least one connection. */
  CompletionStage<Set<String>> onlineUsers();

  /**
   * Whether a user has at least one connection: what a private message asks, once per message, so
   * an engine answers it without listing every user.
   */
  CompletionStage<Boolean> isOnline(String user);

  // ------------------------------------------------------------------ routing

  /**
   * Queues an event to every connection of a user, on every node.
   *
   * @return the number of connections it was queued to, as far as this node can tell: connections on
   *     other nodes may be counted once per node
   */
  CompletionStage<Integer> toUser(String user, ServerEvent event);

  /**
   * Queues an event to one connection, on whichever node holds it.
   *
   * @return {@code true} if a node holds the connection and queued the event
   */
  CompletionStage<Boolean> toConnection(String connectionId, ServerEvent event);

  /**
   * Closes every connection of a user, on every node.
   *
   * @return the number of connections closed
   */
  CompletionStage<Integer> disconnect(String user, String reason);

  // ------------------------------------------------------------------ transport recovery state

  /**
   * Keeps a transport's recovery state of a connection, so that the client may resume it on any
   * node. Written when the state changes, not only at disconnect, so that a node that dies leaves it.
   *
   * @param sessionId the transport's private session id
   * @param state opaque to the engine
   * @param ttl how long to keep it after this write
   */
  CompletionStage<Void> keepSession(String sessionId, byte[] state, Duration ttl);

  /**
   * Takes (reads and removes) a kept recovery state.
   *
   * @return the state, or empty if none is kept (expired, taken, or never kept)
   */
  CompletionStage<Optional<byte[]>> takeSession(String sessionId);

  // ------------------------------------------------------------------ transports' relay

  /**
   * Hands an opaque payload to every other node: each live node but this one gets it once, through
   * {@link LocalNode#onRelay}. Transports use it for what they broadcast outside chat rooms.
   * Delivery is at most once and without a log: a node that cannot be reached at that moment (its
   * subscription is down) misses it. Each node gets the payloads relayed by one node in the order
   * they were relayed.
   *
   * @param payload the bytes, passed on unchanged; the caller must not change them afterwards
   * @return completes once the cluster has taken the payload (not once every node has it); fails
   *     with {@link ClusterUnavailableException} if it could not. An engine that is the whole cluster
   *     completes at once.
   */
  CompletionStage<Void> relay(byte[] payload);

  /**
   * Relays a payload as {@link #relay} does, and tells to how many other nodes the cluster handed
   * it: as many answers as a transport may wait for when its payload asks the others something
   * (Socket.IO's {@code fetchSockets}, say). A node whose subscription is down at that moment is not
   * counted, as it does not get the payload; the count is a best effort while the cluster's
   * connections fail.
   *
   * @param payload the bytes, passed on unchanged; the caller must not change them afterwards
   * @return the number of other nodes the payload was handed to, or -1 if this engine cannot tell
   *     (the default, which relays with {@link #relay}); fails as {@link #relay} fails
   */
  default CompletionStage<Integer> relayCounted(byte[] payload) {
    return relay(payload).thenApply(v -> -1);
  }

  /**
   * Whether this node is connected to the cluster's shared state now, for {@link
   * dev.parley.chat.ChatServer#health()}. Called from any thread, when someone asks; must not block
   * for long. The default answers UP, as the in-process engine, which is the whole cluster, does.
   *
   * @return UP or DOWN, with a detail
   */
  default dev.parley.chat.monitoring.Health health() {
    return dev.parley.chat.monitoring.Health.up("");
  }

  /**
   * Leaves the cluster: this node's presence and claims go, and no more calls reach {@link
   * LocalNode}. May block while the engine tells the shared state (for a bounded time).
   */
  @Override
  void close();

  /**
   * The engine of a single node, on which every server runs unless given another: this process is
   * the whole cluster. Its log reads through to the history store, so that recovery works across a
   * restart with a persistent store.
   *
   * @param store the server's history store
   * @return a new engine, for one server
   */
  static ClusterEngine inProcess(HistoryStore store) {
    return inProcess(store, Clock.systemUTC(), ChatConfig.defaults().maxRooms());
  }

  /**
   * As {@link #inProcess(HistoryStore)}, with the server's clock (message
   * ids carry their time, so they must come from the clock the server checks recovery windows with)
   * and a bound on the rooms it keeps. The server's default engine is this one, with its clock and
   * {@link ChatConfig#maxRooms()}.
   *
   * @param store the server's history store
   * @param clock the server's clock
   * @param maxRooms rooms kept at most: past it, the least recently active room that nobody is in is
   *     dropped (its messages stay in the store)
   * @return a new engine, for one server
   */
  static ClusterEngine inProcess(HistoryStore store, Clock clock, int maxRooms) {
    return new InProcessEngine(store, clock, maxRooms);
  }
}
