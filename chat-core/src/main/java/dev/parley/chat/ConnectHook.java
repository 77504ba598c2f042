package dev.parley.chat;

/**
 * Decides whether a new connection may stay and, optionally, who it is. The chat server's runs once
 * per connection, before any of its requests, on the hook executor: it may block (for example to
 * check a token). A Socket.IO namespace takes the same hook ({@code Namespace.onConnect}).
 *
 * <p>A hook that throws refuses the connection, as {@link ConnectDecision#reject(String)} would, with a
 * generic reason; the exception is logged. Returning {@code null} accepts.
 *
 * <p>Threading: called on the hook executor ({@link ChatServer.Builder#hookExecutor}), by default
 * never a transport's I/O thread; calls for different connections may run at the same time, so an
 * implementation must be thread-safe. Lifecycle: given once to the {@link ChatServer.Builder} and
 * held by the server for its whole life; the server never closes it.
 */
@FunctionalInterface
public interface ConnectHook {
  /**
   * Decides about a connection.
   *
   * @param handshake what the client presented: address, path, query, headers, cookies, auth
   * @return accept, accept as a given user, or reject with a reason the client receives
   * @throws Exception on failure, which refuses the connection
   */
  ConnectDecision onConnect(Handshake handshake) throws Exception;
}
