package dev.parley.chat.spi;

import java.util.Map;

/**
 * A request from a client, decoded by the transport. Every request may carry a {@code requestId}
 * chosen by the client; the reply, acknowledgement or error to it carries the same id back. Optional
 * fields are {@code null} when absent.
 *
 * <p>Threading and lifecycle: every request is a record that the transport makes and then no longer
 * changes (its {@code data} map included), so it may be handed from the transport's thread to the
 * server's; the server reads it once, in {@link ClientSession#receive}.
 */
public sealed interface ClientRequest {

  /** The client's id for this request, or {@code null}. */
  String requestId();

  /**
   * Join a room, claiming a username at the first join; or rejoin it after a reconnect, recovering
   * what was missed.
   *
   * @param requestId the client's request id, or {@code null}
   * @param room the room to join
   * @param username the wanted username, or {@code null} to keep the current one or get a generated one
   * @param since the id of the last message of this room the client saw, to be sent every later one
   *     instead of the recent history; or {@code null}
   */
  record Join(String requestId, String room, String username, String since) implements ClientRequest {
    /**
     * A plain join, recovering nothing.
     *
     * @param requestId the client's request id, or {@code null}
     * @param room the room to join
     * @param username the wanted username, or {@code null}
     */
    public Join(String requestId, String room, String username) {
      this(requestId, room, username, null);
    }
  }

  /**
   * Leave a room.
   *
   * @param requestId the client's request id, or {@code null}
   * @param room the room to leave
   */
  record Leave(String requestId, String room) implements ClientRequest {}

  /**
   * Send a message to a room; a text starting with {@code @name } ({@link PrivatePrefix}) is sent
   * privately to that user.
   *
   * @param requestId the client's request id, or {@code null}
   * @param room the room, which the client must have joined
   * @param text the text
   * @param data structured data, or {@code null}
   */
  record Send(String requestId, String room, String text, Map<String, Object> data)
      implements ClientRequest {}

  /**
   * Send a private message to a user, from no room or from a room the client is in (as the JSON
   * protocol's {@code @name text} typed into a room: the message then carries that room, and the
   * request is refused as a room message would be if the client is not in it).
   *
   * @param requestId the client's request id, or {@code null}
   * @param to the receiving user
   * @param text the text
   * @param data structured data, or {@code null}
   * @param room the room it is sent from, which the client must have joined; or {@code null}
   */
  record SendPrivate(String requestId, String to, String text, Map<String, Object> data, String room)
      implements ClientRequest {
    /**
     * A private message from no room.
     *
     * @param requestId the client's request id, or {@code null}
     * @param to the receiving user
     * @param text the text
     * @param data structured data, or {@code null}
     */
    public SendPrivate(String requestId, String to, String text, Map<String, Object> data) {
      this(requestId, to, text, data, null);
    }
  }

  /**
   * Ask who is in a room the client has joined.
   *
   * @param requestId the client's request id, or {@code null}
   * @param room the room
   */
  record Members(String requestId, String room) implements ClientRequest {}

  /**
   * Ask for a page of a room's older history.
   *
   * @param requestId the client's request id, or {@code null}
   * @param room the room, which the client must have joined
   * @param before only messages older than this id; {@code null} for the newest
   * @param limit the most messages wanted; the server caps it
   */
  record History(String requestId, String room, String before, int limit) implements ClientRequest {}

  /**
   * Ask to clear a room's history; refused unless a clear-history hook allows it.
   *
   * @param requestId the client's request id, or {@code null}
   * @param room the room
   */
  record ClearHistory(String requestId, String room) implements ClientRequest {}

  /**
   * Tell a room, or one user privately, that this client's user started (or refreshed) or stopped
   * typing. Exactly one of {@code room} and {@code to} is set. Nothing answers it but an error.
   *
   * @param requestId the client's request id, or {@code null}
   * @param room the room, which the client must have joined; or {@code null}
   * @param to the user typed to privately; or {@code null}
   * @param typing {@code true} for started or still typing, {@code false} for stopped
   */
  record Typing(String requestId, String room, String to, boolean typing) implements ClientRequest {}

  /**
   * Moderate a user in a room: kick, mute, ban, or lift a mute or a ban. Refused with {@link
   * dev.parley.chat.ErrorCodes#FORBIDDEN} unless the server's moderation hook allows it.
   *
   * @param requestId the client's request id, or {@code null}
   * @param room the room, which the client must have joined
   * @param user the user it is done to
   * @param action what to do
   * @param duration how long a mute or ban lasts; {@code null} for a permanent ban (a mute needs one)
   * @param reason why, shown to the user (may be {@code null})
   */
  record Moderate(String requestId, String room, String user, dev.parley.chat.ModerationAction action,
      java.time.Duration duration, String reason) implements ClientRequest {}

  /**
   * Move this user's read marker forward: they have read every message up to and including {@code
   * throughId}, in a room they are in or in their private conversation with another user. Exactly one
   * of {@code room} and {@code from} is set. A marker never moves back: an id at or before the current
   * marker is accepted and does nothing. Nothing answers it but an error.
   *
   * @param requestId the client's request id, or {@code null}
   * @param room the room, which the client must have joined; or {@code null}
   * @param from the other user of a private conversation, whose messages were read; or {@code null}
   * @param throughId the id of the newest message read
   */
  record Read(String requestId, String room, String from, String throughId) implements ClientRequest {}

  /**
   * Edit a message: of a room ({@code room} set) or a private message this user sent ({@code to}
   * set); exactly one of the two is set.
   *
   * @param requestId the client's request id, or {@code null}
   * @param room the room of the message, which the client must have joined; or {@code null}
   * @param to the recipient of the private message; or {@code null}
   * @param messageId the message's id
   * @param text the new text
   * @param data the new structured data, or {@code null} for none
   */
  record Edit(String requestId, String room, String to, String messageId, String text, Map<String, Object> data)
      implements ClientRequest {}

  /**
   * Delete a message: of a room ({@code room} set) or a private message this user sent ({@code to}
   * set); exactly one of the two is set.
   *
   * @param requestId the client's request id, or {@code null}
   * @param room the room of the message, which the client must have joined; or {@code null}
   * @param to the recipient of the private message; or {@code null}
   * @param messageId the message's id
   */
  record Delete(String requestId, String room, String to, String messageId) implements ClientRequest {}

  /**
   * A frame the transport could not turn into a request. The server answers with the error, in order
   * with the connection's other requests and counted against its rate limit, so garbage cannot be
   * used to flood.
   *
   * @param requestId the client's request id if one could be read, or {@code null}
   * @param code the error code, see {@link dev.parley.chat.ErrorCodes}
   * @param message a sentence a person can read
   */
  record Invalid(String requestId, String code, String message) implements ClientRequest {}
}
