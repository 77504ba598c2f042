package dev.parley.chat;

import java.util.Map;

/**
 * What a change hook is told: who asks to edit or delete which message, and for an edit the new
 * content.
 *
 * <p>Threading and lifecycle: an immutable value made for one hook call, safe to pass to other
 * threads; the {@code server} it names may be used from any thread for as long as it runs.
 *
 * @param server the server
 * @param connection the connection asking; its {@code user} is set
 * @param action edit or delete
 * @param message the message as it is now (for a room message, as the room's history holds it); for a
 *     private message, which the server does not keep, what it knows: its id, time, kind, sender (the
 *     user asking) and recipient, with an empty text
 * @param text the new text of an edit; {@code null} for a deletion
 * @param data the new data of an edit (empty when none); {@code null} for a deletion
 */
public record ChangeContext(ChatServer server, ConnectionInfo connection, ChangeAction action, ChatMessage message,
    String text, Map<String, Object> data) {

  /** The user asking. */
  public String user() {
    return connection.user();
  }

  /** Whether the user asking sent the message: without a hook, users may change only their own. */
  public boolean ownMessage() {
    return connection.user() != null && connection.user().equals(message.sender());
  }
}
