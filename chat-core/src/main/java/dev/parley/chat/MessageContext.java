package dev.parley.chat;

/**
 * What a message hook is told: the message as the server is about to deliver it, and who sent it.
 *
 * <p>Threading and lifecycle: an immutable value made for one hook call, safe to pass to other
 * threads; the {@code server} it names may be used from any thread for as long as it runs.
 *
 * @param server the server, for actions such as {@link ChatServer#sendPrivate(String, String, String)}
 * @param connection the sending connection
 * @param message the message with its server-assigned id, time and sender; {@link ChatMessage#kind()}
 *     is {@link MessageKind#ROOM} or {@link MessageKind#PRIVATE}
 */
public record MessageContext(ChatServer server, ConnectionInfo connection, ChatMessage message) {

  /** Sends a notice to the sending connection only, for example the answer to a command. */
  public void reply(String text) {
    server.sendSystem(connection.id(), text);
  }
}
