package dev.parley.chat;

/**
 * What a {@link ReadHook} is told: who read how far, in a room or in a private conversation. An
 * immutable value, made for one call of the hook.
 *
 * @param server the server, for actions
 * @param connection the reading connection; its {@code user} is set
 * @param room the room read, or {@code null} for a private conversation
 * @param from the other user of the private conversation, whose messages were read; or {@code null}
 *     in a room
 * @param throughId the id of the newest message read
 */
public record ReadContext(ChatServer server, ConnectionInfo connection, String room, String from, String throughId) {

  /** The user who read. */
  public String user() {
    return connection.user();
  }
}
