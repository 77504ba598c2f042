package dev.parley.chat.socketio;

/** The acknowledgement a client asked for with an event. Only the first {@link #send} counts. */
public interface Ack {
  /** Whether the client asked for an acknowledgement. */
  boolean requested();

  /** Sends the acknowledgement with these arguments; does nothing if none was requested or it was sent. */
  void send(Object... args);
}
