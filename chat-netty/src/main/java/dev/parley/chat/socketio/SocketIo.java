package dev.parley.chat.socketio;

/**
 * The Socket.IO side of a server: its namespaces.
 *
 * <p>Threading and lifecycle: safe from any thread; it lives as long as its {@code
 * NettyChatServer}, and namespaces may be created before or after the server starts. A server with
 * Socket.IO disabled returns one whose {@link #of} throws {@link IllegalStateException}.
 */
public interface SocketIo {
  /**
   * Returns the namespace with this name, creating it if needed. Clients may connect only to
   * namespaces that exist; the main namespace {@code "/"} always does.
   */
  Namespace of(String name);
}
