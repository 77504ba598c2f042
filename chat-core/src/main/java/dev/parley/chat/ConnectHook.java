package dev.parley.chat;

/**
 * Decides whether a new connection may stay and, optionally, who it is. Runs once per connection,
 * before any of its requests, on the hook executor: it may block (for example to check a token).
 *
 * <p>A hook that throws refuses the connection, as {@link ConnectResult#reject(String)} would, with a
 * generic reason; the exception is logged.
 */
@FunctionalInterface
public interface ConnectHook {
  /**
   * Decides about a connection.
   *
   * @param handshake what the client presented: address, path, query, headers
   * @return accept, accept as a given user, or reject with a reason the client receives
   * @throws Exception on failure, which refuses the connection
   */
  ConnectResult onConnect(Handshake handshake) throws Exception;
}
