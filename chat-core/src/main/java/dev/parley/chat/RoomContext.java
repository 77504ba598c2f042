package dev.parley.chat;

/**
 * What a join, leave or clear-history hook is told: which connection, which room.
 *
 * <p>Threading and lifecycle: an immutable value made for one hook call, safe to pass to other
 * threads; the {@code server} it names may be used from any thread for as long as it runs.
 *
 * @param server the server, for actions such as {@link ChatServer#broadcast(String, String)}
 * @param connection the connection making the request; its {@code user} is set
 * @param room the room concerned
 */
public record RoomContext(ChatServer server, ConnectionInfo connection, String room) {

  /** The user making the request. */
  public String user() {
    return connection.user();
  }

  /** Sends a notice to this connection only, for example a greeting. */
  public void reply(String text) {
    server.sendSystem(connection.id(), text);
  }
}
