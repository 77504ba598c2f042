package dev.parley.chat.internal;

import dev.parley.chat.ChatMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One room: its members and recent history. Every method except {@link #members()} must be called
 * while holding the room's monitor; that lock is what gives a room a single delivery order.
 */
final class Room {
  final String name;
  private final int historySize;
  private final ArrayDeque<ChatMessage> history;
  /** Users in the room and how many of their connections are in it; sorted for member lists. */
  private final TreeMap<String, Integer> userCounts = new TreeMap<>();
  /** Replaced, never mutated, so fan-out can iterate it without the lock. */
  private volatile List<Session> members = List.of();
  /** Set once the room is dropped from the server's map; a joiner that sees it looks again. */
  boolean removed;
  long lastActivityMillis;

  Room(String name, int historySize, long nowMillis) {
    this.name = name;
    this.historySize = historySize;
    this.history = new ArrayDeque<>(Math.min(historySize, 128));
    this.lastActivityMillis = nowMillis;
  }

  List<Session> members() {
    return members;
  }

  /** Adds a connection; returns whether it is its user's first connection in the room. */
  boolean add(Session session) {
    List<Session> next = new ArrayList<>(members.size() + 1);
    next.addAll(members);
    next.add(session);
    members = List.copyOf(next);
    return userCounts.merge(session.user(), 1, Integer::sum) == 1;
  }

  /** Removes a connection; returns whether it was its user's last connection in the room. */
  boolean remove(Session session) {
    List<Session> next = new ArrayList<>(members);
    if (!next.remove(session)) {
      return false;
    }
    members = List.copyOf(next);
    Integer left = userCounts.computeIfPresent(session.user(), (u, n) -> n == 1 ? null : n - 1);
    return left == null;
  }

  List<String> memberNames() {
    return List.copyOf(userCounts.keySet());
  }

  boolean isEmpty() {
    return members.isEmpty();
  }

  void append(ChatMessage message, long nowMillis) {
    lastActivityMillis = nowMillis;
    if (historySize == 0) {
      return;
    }
    if (history.size() == historySize) {
      history.removeFirst();
    }
    history.addLast(message);
  }

  List<ChatMessage> history() {
    return List.copyOf(history);
  }

  boolean hasHistory() {
    return !history.isEmpty();
  }

  void clearHistory() {
    history.clear();
  }
}
