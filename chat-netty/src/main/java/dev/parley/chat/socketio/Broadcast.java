package dev.parley.chat.socketio;

/**
 * A set of recipients being narrowed down, then an emit. The packet is encoded once and the same
 * bytes are sent to every recipient.
 */
public interface Broadcast {
  /** Adds the sockets in a room (several rooms are a union). */
  Broadcast to(String room);

  /** Leaves out the sockets in a room. */
  Broadcast except(String room);

  /** Emits to the recipients. */
  void emit(String event, Object... args);
}
