package dev.parley.chat.socketio;

import java.util.List;

/**
 * Handles an event that another node of the cluster sent to this namespace with {@link
 * Namespace#serverSideEmit} or {@link Namespace#serverSideEmitWithAck}, as a socket.io server's
 * {@code io.on(event, (...args) => ...)} hears another server's {@code serverSideEmit}. Registered
 * with {@link Namespace#onServerSideEmit}; exceptions are logged.
 *
 * <p>Threading: runs on the server's worker pool and may block; the hooks of one event run one after
 * the other in the order they were registered, sharing the one acknowledgement; events from other
 * nodes may be handled concurrently.
 */
@FunctionalInterface
public interface ServerEventHook {
  /**
   * Handles an event of another node.
   *
   * @param args the event's arguments, as JSON carries them (binary as {@code byte[]})
   * @param ack the answer the sending node waits for ({@link Ack#requested()} false for {@code
   *     serverSideEmit}); the first {@link Ack#send} of this node's hooks is this node's response
   * @throws Exception on failure, which is logged
   */
  void onEvent(List<Object> args, Ack ack) throws Exception;
}
