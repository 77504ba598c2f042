package dev.parley.chat.internal;

import dev.parley.chat.ChatMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The newest messages of a room's order, at most a fixed number, in id order and each in its current
 * version (an edit or deletion replaces the message where it stands), and the id of the newest one it
 * ever had. A message's <em>place</em> in the order is that of its last entry: its {@link
 * ChatMessage#revision() revision} if it was changed, else its id; {@link #after} answers by place,
 * so that a client that recovers learns of the changes it missed. Not thread-safe: its owner's lock
 * guards it (the in-process engine's room, or a node's local room).
 */
public final class MessageLog {
  private final int size;
  private final ArrayDeque<ChatMessage> messages;
  private String lastId;
  /** The newest revision the log took, or {@code null}. */
  private String lastRevision;
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
      raiseFloor(place(messages.removeFirst()));
    }
    messages.addLast(message);
  }

  /** Where a message stands in its room's order: its last change, or else its own id. */
  public static String place(ChatMessage message) {
    return message.revision() != null ? message.revision() : message.id();
  }

  /**
   * Orders messages by place, keeping only the last version of each id: what several reads of an
   * order (a store's, then a log's) gave, as a client should get it.
   */
  public static List<ChatMessage> byPlace(List<ChatMessage> messages) {
    java.util.LinkedHashMap<String, ChatMessage> latest = new java.util.LinkedHashMap<>();
    for (ChatMessage m : messages) {
      ChatMessage earlier = latest.get(m.id());
      if (earlier == null || place(earlier).compareTo(place(m)) <= 0) {
        latest.put(m.id(), m);
      }
    }
    List<ChatMessage> sorted = new ArrayList<>(latest.values());
    sorted.sort(java.util.Comparator.comparing(MessageLog::place));
    return sorted;
  }

  private void raiseFloor(String place) {
    if (floor == null || floor.compareTo(place) < 0) {
      floor = place;
    }
  }

  /** The kept message with this id, in its current version; {@code null} if the log does not hold it. */
  public ChatMessage find(String id) {
    for (java.util.Iterator<ChatMessage> it = messages.descendingIterator(); it.hasNext(); ) {
      ChatMessage m = it.next();
      int c = m.id().compareTo(id);
      if (c == 0) {
        return m;
      }
      if (c < 0) {
        return null;
      }
    }
    return null;
  }

  /** The oldest message kept, or {@code null}. */
  public ChatMessage oldest() {
    return messages.peekFirst();
  }

  /**
   * Takes a change (an edit or a deletion, with its revision): the message it changes is replaced
   * where it stands. A change of a message the log does not hold (older than its oldest) cannot be
   * answered for by {@link #after}: the log then vouches only from the change on.
   */
  public void change(ChatMessage version) {
    if (lastRevision == null || lastRevision.compareTo(version.revision()) < 0) {
      lastRevision = version.revision();
    }
    if (size == 0) {
      return;
    }
    List<ChatMessage> all = new ArrayList<>(messages);
    for (int i = all.size() - 1; i >= 0; i--) {
      if (all.get(i).id().equals(version.id())) {
        all.set(i, version);
        messages.clear();
        messages.addAll(all);
        return;
      }
    }
    raiseFloor(version.revision());
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
    lastRevision = null;
    // A part of the order holds the current versions of its messages, not the changes made before it
    // to older ones, whose places may be later than its oldest message: it vouches from its newest.
    floor = newestId;
  }

  public boolean isEmpty() {
    return messages.isEmpty();
  }

  /** The id of the newest message the order ever had here, or {@code null}. */
  public String lastId() {
    return lastId;
  }

  /**
   * Whether no entry after {@code id} entered the order here (every append sets the newest id, every
   * change the newest revision).
   */
  public boolean nothingAfter(String id) {
    return (lastId == null || lastId.compareTo(id) <= 0) && (lastRevision == null || lastRevision.compareTo(id) <= 0);
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

  /**
   * The kept messages whose place is after an id, in the order of their places (a message changed
   * after the id comes where its change does); {@code null} if they may not all be here.
   */
  public List<ChatMessage> after(String id) {
    // The log is the newest suffix of the order: it holds everything after id only if nothing after
    // id was dropped (or left out of the part it started from).
    if (size == 0 || (floor != null && floor.compareTo(id) > 0)) {
      return null;
    }
    List<ChatMessage> after = new ArrayList<>();
    boolean changed = false;
    for (ChatMessage m : messages) {
      if (place(m).compareTo(id) > 0) {
        after.add(m);
        changed |= m.revision() != null;
      }
    }
    if (changed) {
      after.sort(java.util.Comparator.comparing(MessageLog::place));
    }
    return after;
  }
}
