package dev.parley.chat.internal;

import dev.parley.chat.ChatMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The newest messages of a room's order, at most a fixed number, and the id of the newest one it
 * ever had. Not thread-safe: its owner's lock guards it (the in-process engine's room, or a node's
 * local room).
 */
public final class MessageLog {
  private final int size;
  private final ArrayDeque<ChatMessage> messages;
  private String lastId;
  /**
   * The oldest id the log can answer {@link #after} for: everything newer than it is here. {@code
   * null} while the log holds the whole order (it never dropped a message, nor started from a part).
   */
  private String floor;

  /** @param size the most messages kept; 0 keeps none, only the newest id */
  public MessageLog(int size) {
    this.size = size;
    this.messages = new ArrayDeque<>(Math.min(size, 128));
  }

  public void append(ChatMessage message) {
    lastId = message.id();
    if (size == 0) {
      return;
    }
    if (messages.size() == size) {
      floor = messages.removeFirst().id();
    }
    messages.addLast(message);
  }

  /**
   * Starts from the newest part of an order kept elsewhere (a store).
   *
   * @param newest the newest messages, oldest first
   * @param whole whether they are all the order ever had, so that the log may answer for any id
   */
  public void seed(List<ChatMessage> newest, boolean whole) {
    reset(newest, newest.isEmpty() ? null : newest.get(newest.size() - 1).id());
    if (whole) {
      floor = null;
    }
  }

  /** Empties the log; the newest id stays, so later messages still sort after it. */
  public void clear() {
    messages.clear();
    floor = null; // what went before the clear is gone, not missed
  }

  /** Starts again from a snapshot of the order, which may be only its newest part. */
  public void reset(List<ChatMessage> recent, String newestId) {
    messages.clear();
    for (int i = Math.max(0, recent.size() - size); i < recent.size(); i++) {
      messages.addLast(recent.get(i));
    }
    lastId = newestId;
    floor = messages.isEmpty() ? newestId : messages.peekFirst().id();
  }

  public boolean isEmpty() {
    return messages.isEmpty();
  }

  /** The id of the newest message the order ever had here, or {@code null}. */
  public String lastId() {
    return lastId;
  }

  /** Whether no message after {@code id} entered the order (every append sets the newest id). */
  public boolean nothingAfter(String id) {
    return lastId == null || lastId.compareTo(id) <= 0;
  }

  /** The newest messages, oldest first. */
  public List<ChatMessage> recent(int limit) {
    int skip = Math.max(0, messages.size() - limit);
    List<ChatMessage> recent = new ArrayList<>(messages.size() - skip);
    for (ChatMessage m : messages) {
      if (skip-- <= 0) {
        recent.add(m);
      }
    }
    return recent;
  }

  /** The kept messages after an id, oldest first; {@code null} if they may not all be here. */
  public List<ChatMessage> after(String id) {
    // The log is the newest suffix of the order: it holds everything after id only if nothing after
    // id was dropped (or left out of the part it started from).
    if (size == 0 || (floor != null && floor.compareTo(id) > 0)) {
      return null;
    }
    List<ChatMessage> after = new ArrayList<>();
    for (ChatMessage m : messages) {
      if (m.id().compareTo(id) > 0) {
        after.add(m);
      }
    }
    return after;
  }
}
