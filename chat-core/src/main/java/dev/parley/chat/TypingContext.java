package dev.parley.chat;

/**
 * What a typing hook is told: who starts typing, and where.
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
