package dev.parley.chat.internal.cluster;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.internal.Changes;
import dev.parley.chat.internal.MessageLog;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * One room of the {@link InProcessEngine}: its log (the newest messages of its order, loaded from the
 * history store when the room was created, then kept in step with every publish) and who is in it.
 * Every method must be called while holding the room's monitor, which is what gives the room one
 * order.
 */
final class EngineRoom {
  final String name;
  final MessageLog log;
  /**
   * Users in the room and their connections in it; sorted for member lists. A user's one connection
   * is its id ({@code String}), several are a {@code Set<String>}: nearly every member has one, and
   * a set per member cost about 120 bytes more for each connection in a room.
   */
  private final TreeMap<String, Object> members = new TreeMap<>();
  /** How many times this node follows the room. */
  int followers;
  /** Set once the room is dropped from the engine's map; a caller that sees it looks again. */
  boolean removed;
  long lastActivityMillis;
  /** How many times the log was cleared: a store read made before a clear is stale. */
  int clears;

  EngineRoom(String name, int logSize, long nowMillis, List<ChatMessage> stored) {
    this.name = name;
    this.log = new MessageLog(logSize);
    this.lastActivityMillis = nowMillis;
    // The store was asked for as many as the log keeps (at least one): fewer is the whole room.
    log.seed(stored, stored.size() < Math.max(1, logSize));
  }

  void append(ChatMessage message, long nowMillis) {
    lastActivityMillis = nowMillis;
    log.append(message);
  }

  /**
   * Places a change of a message in the order: the message must be in the log and not deleted. The
   * revision is taken only then, so that a refused change leaves no gap in nothing.
   *
   * @return the version as ordered, with its revision and the time of the change
   * @throws ChatException {@code MESSAGE_TOO_OLD} if the log does not hold the message (it is older
   *     than the log, or not of this room), {@code UNKNOWN_MESSAGE} if it was deleted
   */
  ChatMessage change(ChatMessage version, java.util.function.Supplier<String> revision, long nowMillis) {
    ChatMessage current = log.find(version.id());
    if (current == null) {
      throw Changes.missing(log, version.id());
    }
    if (current.deleted()) {
      throw Changes.deleted();
    }
    String id = revision.get();
    ChatMessage ordered = version.toBuilder()
        .revision(id)
        .edited(dev.parley.chat.cluster.MessageIds.time(dev.parley.chat.cluster.MessageIds.parse(id)))
        .build();
    lastActivityMillis = nowMillis;
    log.change(ordered);
    return ordered;
  }

  void clear(long nowMillis) {
    lastActivityMillis = nowMillis;
    clears++;
    log.clear();
  }

  /** Puts a connection in; returns whether it is its user's first. */
  boolean enter(String user, String connectionId) {
    Object had = members.get(user);
    if (had == null) {
      members.put(user, connectionId);
      return true;
    }
    if (had instanceof String one) {
      if (!one.equals(connectionId)) {
        Set<String> several = new HashSet<>(4);
        several.add(one);
        several.add(connectionId);
        members.put(user, several);
      }
      return false;
    }
    @SuppressWarnings("unchecked")
    Set<String> several = (Set<String>) had;
    several.add(connectionId);
    return false;
  }

  /** Takes a connection out; returns whether it was its user's last. */
  boolean exit(String user, String connectionId) {
    Object had = members.get(user);
    if (had instanceof String one) {
      if (!one.equals(connectionId)) {
        return false;
      }
      members.remove(user);
      return true;
    }
    @SuppressWarnings("unchecked")
    Set<String> several = (Set<String>) had;
    if (several == null || !several.remove(connectionId)) {
      return false;
    }
    if (several.isEmpty()) {
      members.remove(user);
      return true;
    }
    return false;
  }

  List<String> memberNames() {
    return List.copyOf(members.keySet());
  }

  /** Nobody is in it and this node does not follow it: it may be dropped. */
  boolean isIdle() {
    return members.isEmpty() && followers == 0;
  }

  /**
   * Idle, and keeping nothing that would be lost with it: no message, and no newest id either, which
   * a later clear is placed after (a cleared room's store no longer holds it).
   */
  boolean isDisposable() {
    return isIdle() && log.isEmpty() && log.lastId() == null;
  }
}
