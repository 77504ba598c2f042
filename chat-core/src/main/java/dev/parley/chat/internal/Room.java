package dev.parley.chat.internal;

import dev.parley.chat.ChatMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One room: its members and recent history, the newest messages of its stream in the history store
 * (loaded when the room is created, then kept in step with every append). Every method except {@link #members()} must be called
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
  /** The id of the newest message appended, or {@code null}: the next one must sort after it. */
  String lastId;
  /** How many times the history was cleared: a read made before a clear is stale. */
  int clears;

  Room(String name, int historySize, long nowMillis, List<ChatMessage> stored) {
    this.name = name;
    this.historySize = historySize;
    this.history = new ArrayDeque<>(Math.min(historySize, 128));
    this.lastActivityMillis = nowMillis;
    for (ChatMessage message : stored) {
      append(message, nowMillis);
    }
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
    lastId = message.id();
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

  /** The recent messages after an id, oldest first; {@code null} if they may not all be here. */
  List<ChatMessage> historyAfter(String id) {
    // The deque is the newest suffix of the stream: it holds everything after id only if it reaches
    // back to id (or if it has never dropped anything, which an empty deque of a room that keeps
    // history shows).
    if (historySize == 0 || (!history.isEmpty() && history.peekFirst().id().compareTo(id) > 0)) {
      return null;
    }
    List<ChatMessage> after = new ArrayList<>();
    for (ChatMessage m : history) {
      if (m.id().compareTo(id) > 0) {
        after.add(m);
      }
    }
    return after;
  }

  boolean hasHistory() {
    return !history.isEmpty();
  }

  void clearHistory() {
    clears++;
    history.clear();
  }
}
