package dev.parley.chat.socketio;

/**
 * The acknowledgement a client asked for with an event. Only the first {@link #send} counts.
 *
 * <p>Threading and lifecycle: safe from any thread, and usable after the hook returned (from a
 * callback of your own, say); the first {@code send} wins atomically and later ones do nothing. It
 * belongs to its socket: once the socket is disconnected, {@code send} sends nothing.
 */
public interface Ack {
  /** Whether the client asked for an acknowledgement. */
  boolean requested();

  /** Sends the acknowledgement with these arguments; does nothing if none was requested or it was sent. */
  void send(Object... args);
}
