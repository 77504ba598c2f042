package dev.parley.chat.socketio;

import java.util.List;

/**
 * Handles every event a socket receives, whatever its name, as socket.io's {@code socket.onAny}:
 * registered with {@link SocketIoClient#onAny}. Runs on the worker pool, in the socket's order, before
 * the event's own hooks, and may block; exceptions are logged and the next hook still runs.
 *
 * <p>Lifecycle: it serves its socket from {@link SocketIoClient#onAny} until {@link
 * SocketIoClient#offAny} removes it or the socket disconnects. One socket's events reach it one at
 * a time; an instance added to several sockets runs on several worker threads at once, so it must
 * then be thread-safe.
 */
@FunctionalInterface
public interface AnyEventHook {
  /**
   * Handles an event.
   *
   * @param client the socket that received it
   * @param event the event's name
   * @param args the event's arguments, without the name; unmodifiable
   * @param ack the acknowledgement the client asked for, shared with the event's own hooks: the
   *     first {@link Ack#send} of any of them is the one sent
   * @throws Exception on failure, which is logged
   */
  void onEvent(SocketIoClient client, String event, List<Object> args, Ack ack) throws Exception;
}
