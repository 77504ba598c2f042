package dev.parley.chat.socketio;

import java.util.List;

/**
 * Handles one named event; exceptions are logged.
 *
 * <p>Threading: runs on the server's worker pool and may block. The calls for one socket run one at
 * a time, in the order its packets arrived; one instance serves every socket of the namespace, from
 * several threads at once.
 */
@FunctionalInterface
public interface EventHook {
  /**
   * Handles an event.
   *
   * @param client the socket that sent it
   * @param args the event's arguments, without the name
   * @param ack the acknowledgement the client asked for; {@link Ack#requested()} tells whether it did
   * @throws Exception on failure, which is logged
   */
  void onEvent(SocketIoClient client, List<Object> args, Ack ack) throws Exception;
}
