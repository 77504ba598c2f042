package dev.parley.chat.internal;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.cluster.Exclusion;
import dev.parley.chat.cluster.RoomEntry;
import dev.parley.chat.cluster.RoomSnapshot;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.spi.SharedEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A room as this node holds it while some of its connections are in it: those connections, and a
 * mirror of the room's recent messages, fed by the engine's entries in the room's order. Every method
 * except {@link #members()} must be called while holding the room's monitor: a joiner's snapshot of
 * the mirror and its start of live delivery are then one step, with no gap and no duplicate.
 */
final class LocalRoom {
  /** Presence changes remembered for joins that read the member list while they happened. */
  private static final int PRESENCE_MEMORY = 64;

  private record PresenceChange(long seq, String user, boolean joined) {}

  final String name;
  private final MessageLog mirror;
  /** Replaced, never mutated. */
  private volatile List<Session> members = List.of();
  /** Entries that came before the snapshot they follow was given; {@code null} once it was. */
  private List<RoomEntry> early = new ArrayList<>();
  /** How many times the history was cleared (or reset): a read made before is stale. */
  private int clears;
  private long presenceSeq;
  private final ArrayDeque<PresenceChange> presence = new ArrayDeque<>();
  /** Joins in progress and members; guarded by the registry's lifecycle lock, not the monitor. */
  int holds;
  /** Dropped from the registry; a joiner that finds it looks again. */
  boolean closed;

  LocalRoom(String name, int historySize) {
    this.name = name;
    this.mirror = new MessageLog(historySize);
  }

  /** The engine's snapshot arrived: the mirror starts from it, then the entries that came early. */
  void start(RoomSnapshot snapshot) {
    mirror.reset(snapshot.recent(), snapshot.lastId());
    List<RoomEntry> waiting = early;
    early = null;
    for (RoomEntry entry : waiting) {
      deliver(entry);
    }
  }

  boolean started() {
    return early == null;
  }

  /**
   * Takes the next entry of the room's order into the mirror and queues it to the members it is for.
   *
   * @return the number of connections it was queued to
   */
  int deliver(RoomEntry entry) {
    if (early != null) {
      early.add(entry);
      return 0;
    }
    ServerEvent event = entry.event();
    if (event instanceof ServerEvent.Message m) {
      String newest = mirror.lastId();
      if (newest != null && m.message().id().compareTo(newest) <= 0) {
        return 0; // already in the snapshot
      }
      mirror.append(m.message());
    } else if (event instanceof ServerEvent.MessageChanged c) {
      String newest = mirror.lastId();
      if (newest != null && c.message().revision().compareTo(newest) <= 0) {
        return 0; // ordered before the snapshot, which holds its message as changed
      }
      if (c.message().equals(mirror.find(c.message().id()))) {
        return 0; // came early, and was also in the snapshot
      }
      mirror.change(c.message());
    } else if (event instanceof ServerEvent.HistoryCleared) {
      clears++;
      mirror.clear();
    } else if (event instanceof ServerEvent.Presence p) {
      presence.addLast(new PresenceChange(++presenceSeq, p.user(), p.joined()));
      if (presence.size() > PRESENCE_MEMORY) {
        presence.removeFirst();
      }
    }
    if (event instanceof ServerEvent.Presence p && p.notice() != null) {
      // Clients get the presence as any other, then its live notice: in the room's order right after
      // it, never in the mirror.
      int queued = sendAll(members, new ServerEvent.Presence(p.room(), p.user(), p.joined()), entry.except());
      sendAll(members, new ServerEvent.Message(p.notice()), entry.except());
      return queued;
    }
    return sendAll(members, event, entry.except());
  }

  /** The engine lost entries: the mirror starts again from its snapshot. */
  void reset(RoomSnapshot snapshot) {
    clears++;
    mirror.reset(snapshot.recent(), snapshot.lastId());
  }

  /**
   * Queues the event to each session as one {@link SharedEvent}, which carries its encodings from
   * the first recipient to the others: every event for several connections, from this node or
   * another, comes through here.
   */
  static int sendAll(List<Session> sessions, ServerEvent event, Exclusion except) {
    SharedEvent shared = new SharedEvent(event);
    int queued = 0;
    for (Session session : sessions) {
      if (!except.excludes(session.id(), session.user()) && session.connection.send(shared)) {
        queued++;
      }
    }
    return queued;
  }

  List<ChatMessage> history() {
    return mirror.recent(Integer.MAX_VALUE);
  }

  /** The id of the newest message the room's order gave this node, or {@code null} if none. */
  String lastId() {
    return mirror.lastId();
  }

  /** The current version of a message the mirror holds, or {@code null}. */
  ChatMessage find(String id) {
    return mirror.find(id);
  }

  int clears() {
    return clears;
  }

  /**
   * The messages after an id, oldest first, for a joiner whose missed messages the engine gave up to
   * that id: {@code null} if the mirror may not hold all of them (more arrived than it keeps).
   */
  List<ChatMessage> historyAfter(String id) {
    List<ChatMessage> after = mirror.after(id);
    if (after == null && mirror.nothingAfter(id)) {
      return List.of(); // the mirror does not reach back to id, but nothing came after it
    }
    return after;
  }

  long presenceSeq() {
    return presenceSeq;
  }

  /**
   * A member list read from the engine when the presence count was {@code seq}, brought up to date
   * with the presence changes delivered since.
   *
   * @return the sorted list, or {@code null} if the changes since are no longer remembered
   */
  List<String> membersSince(List<String> read, long seq) {
    if (presenceSeq == seq) {
      return read;
    }
    if (presence.isEmpty() || presence.peekFirst().seq() > seq + 1) {
      return null;
    }
    TreeSet<String> now = new TreeSet<>(read);
    for (PresenceChange change : presence) {
      if (change.seq() > seq) {
        if (change.joined()) {
          now.add(change.user());
        } else {
          now.remove(change.user());
        }
      }
    }
    return List.copyOf(now);
  }

  List<Session> members() {
    return members;
  }

  void add(Session session) {
    List<Session> next = new ArrayList<>(members.size() + 1);
    next.addAll(members);
    next.add(session);
    members = List.copyOf(next);
  }

  /** Removes a connection; returns whether it was a member. */
  boolean remove(Session session) {
    List<Session> next = new ArrayList<>(members);
    if (!next.remove(session)) {
      return false;
    }
    members = List.copyOf(next);
    return true;
  }
}
