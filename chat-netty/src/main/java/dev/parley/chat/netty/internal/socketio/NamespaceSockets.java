package dev.parley.chat.netty.internal.socketio;

import java.util.Arrays;
import java.util.List;

/**
 * One connection's sockets, at most one per namespace, keyed by {@link SocketImpl#namespace()}.
 * Every connection keeps this for its whole life and nearly all have one namespace, so it is an
 * array (16 bytes for one socket) rather than a hash map (about 100). Confined to the session's
 * loop, like the rest of {@link SocketIoRuntime.Connection}.
 */
final class NamespaceSockets {
  private static final SocketImpl[] NONE = new SocketImpl[0];

  private SocketImpl[] sockets = NONE;

  SocketImpl get(String namespace) {
    int i = indexOf(namespace);
    return i < 0 ? null : sockets[i];
  }

  boolean containsKey(String namespace) {
    return indexOf(namespace) >= 0;
  }

  boolean isEmpty() {
    return sockets.length == 0;
  }

  /** A copy, in the order the sockets connected. */
  List<SocketImpl> values() {
    return List.of(sockets);
  }

  /** Adds a socket, or replaces the one of its namespace. */
  void put(SocketImpl socket) {
    int i = indexOf(socket.namespace());
    if (i >= 0) {
      sockets[i] = socket;
      return;
    }
    SocketImpl[] more = Arrays.copyOf(sockets, sockets.length + 1);
    more[sockets.length] = socket;
    sockets = more;
  }

  /** Removes the namespace's socket, if any. */
  void remove(String namespace) {
    int i = indexOf(namespace);
    if (i >= 0) {
      removeAt(i);
    }
  }

  /** Removes the namespace's socket if it is {@code socket}; whether it was. */
  boolean remove(String namespace, SocketImpl socket) {
    int i = indexOf(namespace);
    if (i < 0 || sockets[i] != socket) {
      return false;
    }
    removeAt(i);
    return true;
  }

  void clear() {
    sockets = NONE;
  }

  private void removeAt(int i) {
    if (sockets.length == 1) {
      sockets = NONE;
      return;
    }
    SocketImpl[] fewer = new SocketImpl[sockets.length - 1];
    System.arraycopy(sockets, 0, fewer, 0, i);
    System.arraycopy(sockets, i + 1, fewer, i, sockets.length - i - 1);
    sockets = fewer;
  }

  private int indexOf(String namespace) {
    for (int i = 0; i < sockets.length; i++) {
      if (sockets[i].namespace().equals(namespace)) {
        return i;
      }
    }
    return -1;
  }
}
