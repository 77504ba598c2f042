package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.spi.ServerEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A chat socket's events from before its Socket.IO socket exists: the chat server may send to the
 * connection as soon as it accepted it (a private message to a name the connect hook gave, a
 * recovery's replay), before the CONNECT is answered. They wait here, in order, and are delivered
 * ahead of anything later once the socket is published. Thread-safe.
 */
final class EarlyEvents {
  /** Null while none is held, which is nearly always: every socket has one of these. Guarded by this. */
  private List<ServerEvent> held;
  /** A close the chat server asked for in that window: its code, or 0 for none. Guarded by this. */
  private int closeCode;
  /** Set once, when every held event has gone out. */
  private volatile SocketImpl socket;

  /** The socket, once published; {@code null} until then. */
  SocketImpl socket() {
    return socket;
  }

  /** What {@link #hold} did. */
  enum Held { HELD, FULL, OPEN }

  /**
   * Holds an event unless the socket exists, within {@code limit} events.
   *
   * @return {@link Held#OPEN} if the socket exists (deliver the event to it now); {@link Held#FULL}
   *     if the limit is reached (the event is refused, as by a full outbound queue)
   */
  synchronized Held hold(ServerEvent event, int limit) {
    if (socket != null) {
      return Held.OPEN;
    }
    if (held != null && held.size() >= limit) {
      return Held.FULL;
    }
    if (held == null) {
      held = new ArrayList<>();
    }
    held.add(event);
    return Held.HELD;
  }

  /**
   * Delivers what was held, then publishes the socket. Until it is published, new events keep
   * queueing behind the ones being delivered, so replayed messages always go out before live ones.
   *
   * @return the close code asked for before the socket existed, or 0
   */
  int publish(SocketImpl s, BiConsumer<SocketImpl, ServerEvent> deliver) {
    for (;;) {
      List<ServerEvent> batch;
      synchronized (this) {
        if (held == null) {
          socket = s;
          return closeCode;
        }
        batch = held;
        held = null;
      }
      for (ServerEvent event : batch) {
        deliver.accept(s, event);
      }
    }
  }

  /**
   * Notes a close asked for before the socket exists, to be done once it does.
   *
   * @return the socket, if it exists already (close it now), else {@code null}
   */
  synchronized SocketImpl closeWhenOpen(int code) {
    if (socket == null) {
      closeCode = code;
    }
    return socket;
  }
}
