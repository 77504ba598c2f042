package dev.parley.chat.socketio;

import java.util.List;

/**
 * Sees every event a socket receives before its hooks do, and may refuse it, as a function given
 * to socket.io's {@code socket.use}: registered with {@link SocketIoClient#use}. Middlewares run in
 * the order they were registered; the first that refuses ends the event there (no later middleware,
 * no {@link AnyEventHook}, no hook of the event runs, and no acknowledgement is sent), and its
 * exception goes to the socket's {@link SocketIoClient#onError} hooks, as socket.io emits it as
 * the socket's {@code error} event. The client is not told.
 *
 * <p>Runs on the worker pool, in the socket's order, and may block: while a socket has a middleware,
 * all of its events (on the chat namespace, its chat requests too) go through the worker pool.
 *
 * <p>Lifecycle: registered for the life of its socket (there is no way to remove it), and dropped
 * with the socket when it disconnects. One socket's events reach it one at a time; an instance
 * registered on several sockets runs on several worker threads at once, so it must then be
 * thread-safe.
 */
@FunctionalInterface
public interface EventMiddleware {
  /**
   * Checks an event.
   *
   * @param client the socket that received it
   * @param event the event's name
   * @param args the event's arguments, without the name; unmodifiable
   * @throws Exception to refuse the event; the exception is handed to the socket's error hooks
   */
  void check(SocketIoClient client, String event, List<Object> args) throws Exception;
}
