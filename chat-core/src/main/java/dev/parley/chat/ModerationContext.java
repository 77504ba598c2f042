package dev.parley.chat;

import java.time.Duration;

/**
 * What a moderation hook is told: who asks to do what to whom, where.
 *
 * <p>Immutable; made by the server for one call of the hook, on the hook executor, and worth
 * keeping only as long as that call (its {@code server} may be used from any thread).
 *
 * @param server the server
 * @param connection the connection asking; its {@code user} is set
 * @param room the room
 * @param action what it asks for
 * @param target the user it is done to
 * @param duration how long a mute or ban lasts; {@code null} for a permanent ban, and for the
 *     other actions
 * @param reason the reason the moderator gave (may be empty)
 */
public record ModerationContext(ChatServer server, ConnectionInfo connection, String room, ModerationAction action,
    String target, Duration duration, String reason) {

  /** The user asking. */
  public String user() {
    return connection.user();
  }
}
