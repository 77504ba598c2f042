package dev.parley.chat.socketio;

import dev.parley.chat.ConnectDecision;

/**
 * One step of a namespace's connect, as a function given to socket.io's {@code io.use}: registered
 * with {@link Namespace#use}, it sees the socket about to be connected and may refuse it. The steps
 * run after {@link Namespace#onConnect} (and, on the chat namespace, the chat server's connect hook)
 * accepted, in the order they were registered (with {@link Namespace#onSetup} hooks, which are
 * steps that never refuse), before the client is told it is connected. The first refusal ends the
 * connect: later steps do not run.
 *
 * <p>Runs on the worker pool and may block; the CONNECT answer waits for it (within {@link
 * SocketIoConfig#connectTimeout()} for a client's first namespace).
 *
 * <p>Lifecycle: registered once, for the life of its namespace (there is no way to remove it); the
 * same instance runs for every connect, on several worker threads at once, so it must be
 * thread-safe.
 */
@FunctionalInterface
public interface ConnectMiddleware {
  /**
   * Checks, or prepares, a socket before its client is told it is connected.
   *
   * @param socket the socket, already in its namespace (rooms it joins here are in place before the
   *     client is connected) but not yet told it is connected
   * @return {@link ConnectDecision#accept()} (or {@code null}) to go on, {@link
   *     ConnectDecision#acceptAs} to go on and name the socket's {@link SocketIoClient#user() user}
   *     from here on (not on the chat namespace: see {@link Namespace#onConnect}); a {@link
   *     ConnectDecision#reject} to refuse: the client gets {@code connect_error} with the message as
   *     {@code err.message} and the data as {@code err.data}, and the socket is gone with no other
   *     hook told, not even {@link Namespace#onDisconnect}
   * @throws Exception on failure, which is logged and refuses the client with the message {@code
   *     "Server error"}
   */
  ConnectDecision check(SocketIoClient socket) throws Exception;
}
