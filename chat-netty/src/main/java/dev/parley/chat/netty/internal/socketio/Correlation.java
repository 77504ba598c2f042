package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.socketio.Ack;

/**
 * Why the chat bridge made a request of the chat server, so that it knows what to do with the answer
 * (the reply, acknowledgement or error carrying the request's id). The chat server sees only a
 * numeric request id; {@link Correlations} maps it back to one of these. Immutable.
 */
sealed interface Correlation {

  /** A client's request that asked for an acknowledgement: the answer goes into it. */
  record ClientAck(Ack ack) implements Correlation {}

  /**
   * A client's room message sent without an acknowledgement while recovery is on: the server's ack
   * tells the bridge the message's id, which a recovery must not hand back to its sender; the client
   * hears nothing on success, and an error on the message event.
   */
  record OwnMessage() implements Correlation {
    static final OwnMessage INSTANCE = new OwnMessage();
  }

  /** A rejoin of a recovering socket's room, with the client's offset. */
  record RecoveryJoin(String room) implements Correlation {}

  /** The leave that undoes a rejoin of a recovery that failed. */
  record AbandonLeave(String room) implements Correlation {}
}
