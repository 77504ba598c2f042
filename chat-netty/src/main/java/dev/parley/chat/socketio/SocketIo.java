package dev.parley.chat.socketio;

/** The Socket.IO side of a server: its namespaces. */
public interface SocketIo {
  /**
   * Returns the namespace with this name, creating it if needed. Clients may connect only to
   * namespaces that exist; the main namespace {@code "/"} always does.
   */
  Namespace of(String name);
}
