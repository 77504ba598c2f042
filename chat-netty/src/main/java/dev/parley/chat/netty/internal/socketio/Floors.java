package dev.parley.chat.netty.internal.socketio;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rooms a Socket.IO client is in, in the order it joined them, each with the newest message id
 * its join or a replay gave ({@code null} for none): what connection state recovery keeps. Every
 * connected socket has one and most are in one or two rooms, so the pairs sit in one array (24
 * bytes for a room) instead of a synchronized linked map (about 170 bytes for a room). A room
 * joined again keeps its place, as in a {@link LinkedHashMap}. Thread-safe: guarded by this.
 */
final class Floors {
  private static final String[] NONE = new String[0];

  /** Room, floor, room, floor, ...: in join order. */
  private String[] pairs = NONE;

  synchronized String get(String room) {
    int i = indexOf(room);
    return i < 0 ? null : pairs[i + 1];
  }

  synchronized void put(String room, String floor) {
    int i = indexOf(room);
    if (i >= 0) {
      pairs[i + 1] = floor;
      return;
    }
    String[] more = Arrays.copyOf(pairs, pairs.length + 2);
    more[pairs.length] = room;
    more[pairs.length + 1] = floor;
    pairs = more;
  }

  synchronized void remove(String room) {
    int i = indexOf(room);
    if (i < 0) {
      return;
    }
    String[] fewer = new String[pairs.length - 2];
    System.arraycopy(pairs, 0, fewer, 0, i);
    System.arraycopy(pairs, i + 2, fewer, i, pairs.length - i - 2);
    pairs = fewer.length == 0 ? NONE : fewer;
  }

  /** A copy in join order, for the kept state. */
  synchronized Map<String, String> copy() {
    Map<String, String> copy = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      copy.put(pairs[i], pairs[i + 1]);
    }
    return copy;
  }

  private int indexOf(String room) {
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i].equals(room)) {
        return i;
      }
    }
    return -1;
  }
}
