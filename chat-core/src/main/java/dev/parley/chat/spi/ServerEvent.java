package dev.parley.chat.spi;

import dev.parley.chat.ChatMessage;
import java.util.List;

/**
 * An event the server sends to a client; transports encode it for the wire. {@code requestId} fields
 * carry back the id of the request answered, or {@code null}.
 *
 * <p>Threading and lifecycle: every event is a record that the server never changes after making it
 * (nor its lists, nor their {@link dev.parley.chat.ChatMessage}s, which are immutable), so it is safe
 * to read from any thread; the same instance may be queued to many connections at once.
 */
public sealed interface ServerEvent {

  /**
   * Sent once, when the connection is accepted.
   *
   * @param connectionId the server-assigned connection id
   * @param user the identity the connect hook gave, or {@code null} until the first join
   */
  record Welcome(String connectionId, String user) implements ServerEvent {}

  /**
   * The answer to a join.
   *
   * @param requestId the join's request id
   * @param room the room joined
   * @param user this connection's username
   * @param members the users in the room, sorted, this one included
   * @param history oldest first: every message after the join's {@code since} id when {@code
   *     recovered}, else the room's recent messages
   * @param recovered whether {@code history} is exactly what the client missed since the id it gave
   * @param lastRead the id of the newest message of the room this user has read (their read marker),
   *     or {@code null} if they never marked one read
   * @param unread how many messages of others (kind {@code room}) the room kept after {@code lastRead}
   *     when the join was handled, at most {@link #MAX_UNREAD}
   */
  record Joined(String requestId, String room, String user, List<String> members, List<ChatMessage> history,
      boolean recovered, String lastRead, int unread) implements ServerEvent {
    /** The most unread messages a join counts: {@code unread} at this value means this many or more. */
    public static final int MAX_UNREAD = 1000;

    /**
     * A join answer without a read marker or unread messages.
     *
     * @param requestId the join's request id
     * @param room the room joined
     * @param user this connection's username
     * @param members the users in the room, sorted, this one included
     * @param history oldest first
     * @param recovered whether {@code history} is exactly what the client missed
     */
    public Joined(String requestId, String room, String user, List<String> members, List<ChatMessage> history,
        boolean recovered) {
      this(requestId, room, user, members, history, recovered, null, 0);
    }
  }

  /**
   * The answer to a history request: one page, walking backwards.
   *
   * @param requestId the request's id
   * @param room the room
   * @param messages oldest first, all older than the request's {@code before} id; fewer than asked
   *     for only when there are no older ones
   */
  record History(String requestId, String room, List<ChatMessage> messages) implements ServerEvent {}

  /**
   * The answer to a leave.
   *
   * @param requestId the leave's request id
   * @param room the room left
   */
  record Left(String requestId, String room) implements ServerEvent {}

  /**
   * A message for this client: a room message, a private message or a notice.
   *
   * @param message the message
   */
  record Message(ChatMessage message) implements ServerEvent {}

  /**
   * A message of a room this client is in, or a private message to this client, was edited or
   * deleted: {@code message} is its new version (same id, time, kind, room, sender and recipient;
   * {@link ChatMessage#edited()} and {@link ChatMessage#revision()} set) or its tombstone ({@link
   * ChatMessage#deleted()}). Clients replace the message with the same id by it.
   *
   * <p>As a room entry, it is published to the {@link dev.parley.chat.cluster.ClusterEngine}, which
   * gives it its place in the room's order: it sets the message's {@code revision} to a fresh id of
   * that order and {@code edited} to that id's time, replaces the message in its log, and fails the
   * publish with a {@link dev.parley.chat.ChatException} of code {@link
   * dev.parley.chat.ErrorCodes#MESSAGE_TOO_OLD} if its log does not hold the message, or {@link
   * dev.parley.chat.ErrorCodes#UNKNOWN_MESSAGE} if the message was deleted.
   *
   * @param message the message's new version
   */
  record MessageChanged(ChatMessage message) implements ServerEvent {}

  /**
   * The acknowledgement of a message the client sent, or of an edit or deletion, sent when the request
   * had an id.
   *
   * @param requestId the request's id
   * @param message the message as delivered, with its server id, time and sender (for an edit or a
   *     deletion, the message's new version); {@code null} when a hook handled the request itself and
   *     nothing was delivered
   */
  record Ack(String requestId, ChatMessage message) implements ServerEvent {}

  /**
   * Someone entered or left a room this client is in. Sent for a user's first connection in and last
   * connection out of the room.
   *
   * <p>As a room entry it may carry a live {@code notice} ("alice has joined", when {@link
   * dev.parley.chat.ChatConfig#announcePresence()} is on and {@link
   * dev.parley.chat.ChatConfig#keepPresenceNotices()} off): the {@link
   * dev.parley.chat.cluster.ClusterEngine} gives it its id in the room's order, as it does a
   * message's, without keeping it in the log; each node then sends it to the same members as the
   * presence, as a {@link Message} right after it. Transports ignore the field: the notice reaches
   * clients as that message.
   *
   * @param room the room
   * @param user the user
   * @param joined {@code true} for entering, {@code false} for leaving
   * @param notice the live notice that goes with it, or {@code null}
   */
  record Presence(String room, String user, boolean joined, ChatMessage notice) implements ServerEvent {
    /**
     * A presence change without a notice.
     *
     * @param room the room
     * @param user the user
     * @param joined {@code true} for entering, {@code false} for leaving
     */
    public Presence(String room, String user, boolean joined) {
      this(room, user, joined, null);
    }
  }

  /**
   * The answer to a members request.
   *
   * @param requestId the request's id
   * @param room the room
   * @param members the users in the room, sorted
   */
  record Members(String requestId, String room, List<String> members) implements ServerEvent {}

  /**
   * The reply to a successful clear-history request that carried a request id: the room's history
   * was cleared (every member, the requester included, also receives {@link HistoryCleared}), or the
   * clear-history hook handled the request itself. A transport whose every request is answered
   * (Socket.IO's acknowledgements) answers with it; the JSON protocol, whose {@code clear} has no
   * reply of its own, sends nothing for it.
   *
   * @param requestId the request's id
   * @param room the room
   */
  record Cleared(String requestId, String room) implements ServerEvent {}

  /**
   * A room's history was cleared.
   *
   * @param room the room
   * @param by the user who cleared it, or {@code null} when server code did
   * @param throughId where the clear falls in the room's order: the id of the newest message ordered
   *     before it, or {@code null} if none was. The {@link dev.parley.chat.cluster.ClusterEngine}
   *     fills it in when it orders the clear; whatever a publisher passes is replaced. Clients are
   *     not sent it.
   */
  record HistoryCleared(String room, String by, String throughId) implements ServerEvent {}

  /**
   * Someone started or stopped typing in a room this client is in, or to this client privately. It
   * is never kept. A started indicator expires by itself: a client stops showing it {@code
   * expiresInMillis} after it arrived unless another one (a refresh) arrives first; a stop is also
   * sent when the user sends their message, leaves the room or disconnects.
   *
   * @param room the room, or {@code null} for a private conversation
   * @param user who is typing
   * @param to the user typed to privately (this client's user), or {@code null} in a room
   * @param typing {@code true} while typing, {@code false} once stopped
   * @param expiresInMillis how long a client shows a started indicator without a refresh ({@link
   *     dev.parley.chat.ChatConfig#typingTimeout()}); 0 for a stop
   */
  record Typing(String room, String user, String to, boolean typing, long expiresInMillis) implements ServerEvent {}

  /**
   * This client's user was taken out of a room by a moderator (or server code), and, if {@code
   * banned}, may not join it again until the ban ends. The connection stays open and in its other
   * rooms. Sent to every connection of the user that was in the room, in place of {@link Left}.
   *
   * @param room the room
   * @param user the user taken out
   * @param reason the moderator's reason (may be empty)
   * @param banned whether a ban came with it
   * @param bannedUntil when the ban ends; {@code null} when permanent or when not banned
   */
  record Kicked(String room, String user, String reason, boolean banned, java.time.Instant bannedUntil)
      implements ServerEvent {}

  /**
   * This client's user was muted in a room (its messages to it are refused with {@link
   * dev.parley.chat.ErrorCodes#MUTED} until {@code until}), or the mute was lifted.
   *
   * @param room the room
   * @param user the user muted
   * @param until when the mute ends; {@code null} when it was lifted
   * @param reason the moderator's reason (may be empty)
   */
  record Muted(String room, String user, java.time.Instant until, String reason) implements ServerEvent {}

  /**
   * The answer to a moderation request: done.
   *
   * @param requestId the request's id
   * @param room the room
   * @param user the user it was done to
   * @param action what was done
   */
  record Moderated(String requestId, String room, String user, dev.parley.chat.ModerationAction action)
      implements ServerEvent {}

  /**
   * The answer to a moderator's request to list a room's restrictions ({@link
   * dev.parley.chat.ModerationAction#LIST}): the bans and mutes that hold now.
   *
   * @param requestId the request's id
   * @param room the room
   * @param restrictions bans first, then mutes, each by user
   */
  record Restrictions(String requestId, String room, java.util.List<dev.parley.chat.history.Restriction> restrictions)
      implements ServerEvent {
    /** Copies the list. */
    public Restrictions {
      restrictions = java.util.List.copyOf(restrictions);
    }
  }

  /**
   * A user moved their read marker: they have read every message up to and including {@code
   * throughId}, in a room this client is in, or of this client's user's private conversation with
   * them. Sent to the room's other members when {@link dev.parley.chat.ChatConfig#roomReadReceipts()}
   * is on, to the other user of a private conversation, and in both cases to the reader's own other
   * connections; the {@link dev.parley.chat.ReadHook} may withhold it from all but the reader's own.
   *
   * @param room the room, or {@code null} for a private conversation
   * @param user who read
   * @param to in a private conversation, the user whose messages were read; {@code null} in a room
   * @param throughId the id of the newest message read
   */
  record Read(String room, String user, String to, String throughId) implements ServerEvent {}

  /**
   * A private message this client's user sent was handed to one of its recipient's connections: the
   * server queued it to that connection for sending (live, or from the recipient's kept offline
   * messages). That is not proof that the recipient's device got it (a connection may drop with its
   * queue unsent), only that the server gave it to a live connection of theirs. Sent to every
   * connection of the sender, once per connection of the recipient that was handed the message.
   *
   * @param messageId the private message's id
   * @param to the recipient
   * @param connection an opaque name of the recipient's connection, the same for every message handed
   *     to it, different for each connection (not its connection id)
   */
  record Delivered(String messageId, String to, String connection) implements ServerEvent {}

  /**
   * A request failed, or the connection is being refused.
   *
   * @param requestId the failed request's id, or {@code null}
   * @param code the error code, see {@link dev.parley.chat.ErrorCodes}
   * @param message a sentence a person can read
   * @param data what a connect hook's refusal carries besides ({@link
   *     dev.parley.chat.ConnectDecision#reject(String, Object)}), for a transport that can send it
   *     (Socket.IO's {@code connect_error} as {@code err.data}); {@code null} for every other error.
   *     The JSON protocol does not send it
   */
  record Error(String requestId, String code, String message, Object data) implements ServerEvent {
    /** An error without data: every error but a connect hook's refusal with data. */
    public Error(String requestId, String code, String message) {
      this(requestId, code, message, null);
    }
  }
}
