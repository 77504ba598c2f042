package dev.parley.chat.history;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.monitoring.Health;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where a {@link dev.parley.chat.ChatServer} keeps messages: the history of each room, and the inbox
 * of private messages kept for each user who was offline. Both are <em>streams</em> named by a
 * string: a room by its name, a user's inbox by {@link #inbox(String)}.
 *
 * <p>Parley ships {@link InMemoryHistoryStore} (the default; lost on restart) and, in the {@code
 * chat-store-jdbc} module, a store on PostgreSQL or an embedded database that survives restarts. Test
 * an implementation of your own with {@code HistoryStoreContract} from {@code chat-testkit}.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #append} never blocks: the server calls it while holding a room's lock. It queues the
 *       message and returns a stage that completes once the message is <em>durable</em>, as the store
 *       defines it (committed, for a database; at once, for memory), or fails if it never will be.
 *   <li>Stages may complete on a thread of the store's; the server does only non-blocking work in
 *       what it chains to them (queueing an acknowledgement).
 *   <li>Reads may block (the server calls them from its worker threads, never from I/O threads), and
 *       they see every append and removal that returned before them, durable or not yet: the server
 *       relies on that to recover messages without gaps. A read that fails throws an unchecked
 *       exception; the client gets {@link dev.parley.chat.ErrorCodes#HISTORY_UNAVAILABLE}.
 *   <li>Messages of one stream are kept and returned in the order of their ids, whatever the order
 *       of the appends; an id appended twice is kept once; an id at or below the stream's {@link
 *       #clear floor} is not kept.
 *   <li>{@link Retention} bounds what is kept per stream; messages past it are never returned.
 *   <li>Every method is safe to call from any thread.
 * </ul>
 */
public interface HistoryStore extends AutoCloseable {

  /**
   * The stream name of a user's inbox of private messages. Room names cannot contain {@code @}, so it
   * never names a room.
   *
   * @param user the user
   * @return {@code "@" + user}
   */
  static String inbox(String user) {
    return "@" + user;
  }

  /**
   * What this store keeps of each stream. The server checks at start that its recovery limits
   * fit within it ({@link dev.parley.chat.ChatConfig#maxRecoveredMessages()} below its message count,
   * {@link dev.parley.chat.ChatConfig#recoveryWindow()} within its age), so that recovery never skips
   * a message the store dropped.
   *
   * @return the retention
   */
  Retention retention();

  /**
   * Whether what this store made durable outlives the process, so that a client of an earlier run of
   * the server may recover from it. The default, {@code false}, makes the server refuse recovery
   * (answer {@code recovered: false}) for any message older than its own start.
   *
   * @return {@code true} for a store on disk or in a database
   */
  default boolean persistent() {
    return false;
  }

  /**
   * Queues a message at the end of a stream. Never blocks.
   *
   * @param stream a room name or an {@link #inbox(String) inbox}
   * @param message the message; normally its id sorts after every id already in the stream
   * @return completes when the message is durable; fails if it could not be stored
   */
  CompletionStage<Void> append(String stream, ChatMessage message);

  /**
   * The newest messages of a stream that come before an id: one page of history, walking backwards.
   *
   * @param stream a room name or an inbox
   * @param beforeId only messages with a smaller id; {@code null} for the newest
   * @param limit the most messages to return, at least 1
   * @return up to {@code limit} messages, oldest first
   */
  List<ChatMessage> before(String stream, String beforeId, int limit);

  /**
   * The oldest entries of a stream that come after an id: what a client missed. An entry is a message
   * in its current version, placed where its last change was ordered: at its {@link
   * ChatMessage#revision() revision} if it has one, else at its id (its <em>place</em>). So the
   * answer holds every message with a greater id, and every older message changed after {@code
   * afterId}, each once, in the order of their places.
   *
   * @param stream a room name or an inbox
   * @param afterId only messages whose place is greater; {@code null} for the oldest kept
   * @param limit the most messages to return, at least 1
   * @return up to {@code limit} messages, by place, oldest first
   */
  List<ChatMessage> after(String stream, String afterId, int limit);

  /**
   * Replaces a kept message by its new version: an edit, or a tombstone of a deleted message, with the
   * same id (and so the same place in {@link #before} pages; in {@link #after} it moves to its {@link
   * ChatMessage#revision() revision}). Never blocks; later reads return the new version. A message the
   * stream does not keep (never appended, removed, cleared, or past the {@link Retention}) stays
   * absent: the change is dropped and its stage completes normally. Of two changes of one message,
   * the one with the greater revision wins, whatever the order they arrive in. A version whose
   * {@link ChatMessage#sender() sender} differs from the kept message's is dropped the same way: the
   * server keeps no other copy of a private message, so the inbox's is the only record of who sent
   * it, and only that sender may change it.
   *
   * <p>The default fails with {@link UnsupportedOperationException}: a store that does not override
   * it keeps no changes (the server delivers them, then tells the client they were not kept, as
   * for a message the store refuses). Parley's stores override it.
   *
   * @param stream a room name or an inbox
   * @param version the message's new version
   * @return completes when the change is durable
   */
  default CompletionStage<Void> change(String stream, ChatMessage version) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException(getClass().getName() + " keeps no changes"));
  }

  /**
   * Removes the messages of a stream up to and including an id. Never blocks; later reads no longer
   * see them. Sets no floor: a later append of an older id is kept (the offline inbox relies on it;
   * a room's clear uses {@link #clear}).
   *
   * @param stream a room name or an inbox
   * @param throughId the newest id to remove; {@code null} removes every message of the stream
   * @return completes when the removal is durable
   */
  CompletionStage<Void> remove(String stream, String throughId);

  /**
   * Clears a room's history up to a place in its order, for good: removes the stream's messages up to
   * and including {@code throughId}, and sets the stream's <em>floor</em> there. From then on the
   * store keeps no id at or below the floor: a later {@link #append} of such an id is dropped (its
   * stage completes normally, as if kept), and reads never return one. In a cluster, a message
   * ordered before a clear may reach the store after it, appended late by another node; the floor
   * keeps it from coming back. A floor only rises: a clear through an older id than the floor
   * removes nothing more.
   *
   * <p>The server calls this, never {@link #remove}, for a room's {@link
   * dev.parley.chat.spi.ServerEvent.HistoryCleared clear}, with the clear's {@code throughId}. An
   * inbox is never cleared this way: its messages are removed as they are delivered, and a private
   * message kept late must still be kept.
   *
   * <p>The default implementation only calls {@link #remove}, with no floor: a store that does not
   * override it has the weaker guarantee that a message appended after the clear stays, even one
   * ordered before it. Parley's stores override it.
   *
   * @param stream a room name
   * @param throughId the id of the newest message ordered before the clear; {@code null} (no message
   *     was) removes nothing and sets no floor
   * @return completes when the removal and the floor are durable
   */
  default CompletionStage<Void> clear(String stream, String throughId) {
    if (throughId == null) {
      return CompletableFuture.completedFuture(null);
    }
    return remove(stream, throughId);
  }

  /**
   * Keeps a restriction (a ban or a mute), replacing any earlier one of the same kind, user and room,
   * so that it outlives a restart of the server and holds on every node that shares the store. Never
   * blocks. The server calls it for {@link dev.parley.chat.ChatServer#ban} and {@link
   * dev.parley.chat.ChatServer#mute}, and reads restrictions back with {@link #restrictions}.
   * Expired restrictions may be kept or dropped: the server compares {@link Restriction#until()} with
   * its clock.
   *
   * <p>The default fails with {@link UnsupportedOperationException}: a store that does not override
   * it keeps no restrictions, and banning and muting fail. Parley's stores override it.
   *
   * @param restriction the ban or mute
   * @return completes when the restriction is durable (as {@link #append} defines it); fails if it
   *     could not be kept
   */
  default CompletionStage<Void> restrict(Restriction restriction) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException(getClass().getName() + " keeps no bans or mutes"));
  }

  /**
   * Forgets a user's restriction of one kind in a room, if there is one. Never blocks.
   *
   * @param kind a ban or a mute
   * @param room the room
   * @param user the user
   * @return completes when the removal is durable
   */
  default CompletionStage<Void> lift(Restriction.Kind kind, String room, String user) {
    return CompletableFuture.completedFuture(null);
  }

  /**
   * The restrictions kept for a room, active or expired, in no particular order. May block, as
   * reads do; sees every {@link #restrict} and {@link #lift} whose stage completed before it. The
   * server reads a room's restrictions once and keeps them (see docs/stores.md), so this is not on
   * every join. The default keeps none.
   *
   * @param room the room
   * @return the restrictions; empty if none
   */
  default List<Restriction> restrictions(String room) {
    return List.of();
  }

  /**
   * Moves a user's read marker in a stream forward: they have read every message up to and including
   * {@code throughId}. A marker only moves forward: an id at or before the kept one changes nothing.
   * Never blocks. The server calls it for a client's {@code read}, for a room with the room's name and
   * for a private conversation with {@link #inbox(String) inbox}{@code (otherUser)} (the marker is the
   * reader's, of the messages the other user sent them); it reads markers back with {@link
   * #readMarker} at every join.
   *
   * <p>The default fails with {@link UnsupportedOperationException}: a store that does not override
   * it keeps no markers, and clients that read get {@link dev.parley.chat.ErrorCodes#FORBIDDEN}.
   * Parley's stores override it.
   *
   * @param stream a room name, or an inbox name for a private conversation
   * @param user the reader
   * @param throughId the id of the newest message read
   * @return completes when the marker is durable
   */
  default CompletionStage<Void> markRead(String stream, String user, String throughId) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException(getClass().getName() + " keeps no read markers"));
  }

  /**
   * A user's read marker in a stream: the id of the newest message they read. May block, as reads
   * do; sees every {@link #markRead} that returned before it. The default keeps none.
   *
   * @param stream a room name, or an inbox name for a private conversation
   * @param user the reader
   * @return the id, or empty if the user never marked one read there
   */
  default java.util.Optional<String> readMarker(String stream, String user) {
    return java.util.Optional.empty();
  }

  /**
   * How many messages of others a stream keeps after an id: the messages of kind {@link
   * dev.parley.chat.MessageKind#ROOM ROOM} with an id greater than {@code afterId} whose sender is not
   * {@code user} and that are not {@linkplain ChatMessage#deleted() deleted}, counted up to {@code cap}.
   * A message changed after {@code afterId} but sent before it is not counted: its change is an entry
   * of the order (a revision), not a new message. May block, as reads do. The default pages through
   * {@link #after} (by place) and counts by id; a database may count in one query.
   *
   * @param stream a room name
   * @param user the reader, whose own messages are not counted
   * @param afterId the reader's marker; {@code null} counts from the oldest kept message
   * @param cap the most to count, at least 1
   * @return the count, at most {@code cap}
   */
  default int unread(String stream, String user, String afterId, int cap) {
    int count = 0;
    String from = afterId;
    for (;;) {
      List<ChatMessage> page = after(stream, from, 100);
      for (ChatMessage m : page) {
        // after() returns entries by place, so an older message edited since the marker comes back
        // too: only a message whose own id is after the marker is unread.
        boolean sentAfter = afterId == null || m.id().compareTo(afterId) > 0;
        if (sentAfter && !m.deleted() && m.kind() == dev.parley.chat.MessageKind.ROOM && !user.equals(m.sender())
            && ++count >= cap) {
          return cap;
        }
      }
      if (page.size() < 100) {
        return count;
      }
      ChatMessage last = page.get(page.size() - 1);
      from = last.revision() != null ? last.revision() : last.id();
    }
  }

  /**
   * Gives the store the server's clock. {@link dev.parley.chat.ChatServer.Builder#build()} calls it
   * once, before anything else, with the server's {@link dev.parley.chat.ChatServer.Builder#clock
   * clock}. A store that ages messages ({@link Retention#maxAge()}) measures their age with that
   * clock from then on, so that a server on a test clock (the test kit's {@code ManualClock}, which
   * starts in January 2026) and its store agree on what "now" is; otherwise every message the server
   * stamped would look old to the store, and joins would find no history.
   *
   * <p>A store built with a clock of its own keeps it, and refuses a server whose clock differs (by
   * {@link Clock#equals}): the two could not agree. The default does nothing, for stores that do not
   * age messages.
   *
   * @param clock the server's clock
   * @throws IllegalArgumentException if the store was built with a different clock; the server is
   *     then not built, and closes the store
   */
  default void useServerClock(Clock clock) {}

  /**
   * Whether the store can be reached now, for {@link dev.parley.chat.ChatServer#health()}. Called
   * from any thread, when someone asks (a health endpoint, a probe); it may block briefly (a
   * database round trip, bounded by a timeout of the store's) but never on the hot path. The default
   * answers UP; a store that can be unreachable, or is closed, says so.
   *
   * @return UP or DOWN, with a detail
   */
  default Health health() {
    return Health.up("");
  }

  /**
   * Makes what was queued durable, then releases the store's resources. Appends after closing fail.
   */
  @Override
  void close();
}
