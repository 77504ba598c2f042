package dev.parley.chat;

/**
 * What a typing hook is told: who starts typing, and where.
 *
 * <p>Immutable; made by the server for one call of the hook, on the hook executor, and worth
 * keeping only as long as that call (its {@code server} may be used from any thread).
 *
 * @param server the server, for actions
 * @param connection the typing connection; its {@code user} is set
 * @param room the room typed in, or {@code null} for a private conversation
 * @param to the user typed to privately, or {@code null} in a room
 */
public record TypingContext(ChatServer server, ConnectionInfo connection, String room, String to) {

  /** The user who is typing. */
  public String user() {
    return connection.user();
  }
}
