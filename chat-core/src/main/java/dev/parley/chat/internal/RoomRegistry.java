package dev.parley.chat.internal;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatException;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.cluster.Exclusion;
import dev.parley.chat.cluster.RoomEntry;
import dev.parley.chat.cluster.RoomSnapshot;
import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.internal.logging.LogText;
import dev.parley.chat.internal.logging.OutageLog;
import dev.parley.chat.spi.CloseCodes;
import dev.parley.chat.spi.ServerEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms this node has connections in, each following the room's order in the engine, and the
 * way every entry enters a room's order: published to the engine, then (for a message) appended to
 * the history store. Thread-safe.
 *
 * <p>Locks, always taken in this order, none held while waiting for anything but the engine: a
 * room's lifecycle lock (striped by name; around following and unfollowing, so that a room is
 * followed at most once at a time), a room's order lock (striped by name; around a publish and the
 * store write after it, so that the store sees this node's entries of a room in their order), the
 * engine's own locks, then a {@link LocalRoom}'s monitor (the engine delivers under its lock).
 */
final class RoomRegistry {
  private static final Logger log = LoggerFactory.getLogger(dev.parley.chat.ChatServer.class);
  private static final int STRIPES = 64;

  /** The last delivery this thread made, so that an in-process publish can count its recipients. */
  private static final class Tally {
    ServerEvent event;
    int queued;
  }

  private static final ThreadLocal<Tally> TALLY = ThreadLocal.withInitial(Tally::new);

  private final ClusterEngine engine;
  private final HistoryStore store;
  private final ChatConfig config;
  private final Drafts drafts;
  private final ConcurrentHashMap<String, LocalRoom> rooms = new ConcurrentHashMap<>();
  private final Stripes lifecycleLocks = new Stripes(STRIPES);
  private final Stripes orderLocks = new Stripes(STRIPES);

  RoomRegistry(ClusterEngine engine, HistoryStore store, ChatConfig config, Drafts drafts) {
    this.engine = engine;
    this.store = store;
    this.config = config;
    this.drafts = drafts;
  }

  /** How many rooms this node holds now. */
  int size() {
    return rooms.size();
  }

  LocalRoom get(String name) {
    return rooms.get(name);
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * The local room, following the room's order, held for a join until {@link #release}.
   *
   * @throws ChatException {@code TOO_MANY_ROOMS} if this node holds as many rooms as it may
   */
  LocalRoom acquire(String name) {
    synchronized (lifecycleLocks.of(name)) {
      LocalRoom room = rooms.get(name);
      if (room != null) {
        room.holds++;
        return room;
      }
      if (rooms.size() >= config.maxRooms()) {
        throw new ChatException(ErrorCodes.TOO_MANY_ROOMS, "The server holds as many rooms as it may");
      }
      // Visible before it follows: the engine may deliver entries before the snapshot reaches us.
      LocalRoom fresh = new LocalRoom(name, config.historySize());
      rooms.put(name, fresh);
      RoomSnapshot snapshot;
      try {
        snapshot = Stages.await(engine.follow(name, config.historySize()));
      } catch (RuntimeException e) {
        rooms.remove(name, fresh);
        engine.unfollow(name); // in case it followed after all, late
        throw e;
      }
      synchronized (fresh) {
        fresh.start(snapshot);
      }
      fresh.holds++;
      return fresh;
    }
  }

  /** Ends a hold; the room's last one stops following it. */
  void release(LocalRoom room) {
    synchronized (lifecycleLocks.of(room.name)) {
      if (--room.holds > 0) {
        return;
      }
      synchronized (room) {
        room.closed = true;
      }
      rooms.remove(room.name, room);
      engine.unfollow(room.name);
    }
  }

  // ---------------------------------------------------------------- from the engine

  /** {@link dev.parley.chat.cluster.LocalNode#onRoomEntry}. */
  int onRoomEntry(String name, RoomEntry entry) {
    LocalRoom room = rooms.get(name);
    int queued = 0;
    if (room != null) {
      synchronized (room) {
        queued = room.deliver(entry);
      }
    }
    Tally tally = TALLY.get();
    tally.event = entry.event();
    tally.queued = queued;
    return queued;
  }

  /** {@link dev.parley.chat.cluster.LocalNode#onRoomReset}: members hold stale state, so they resync. */
  void onRoomReset(String name, RoomSnapshot snapshot) {
    LocalRoom room = rooms.get(name);
    if (room == null) {
      return;
    }
    List<Session> members;
    synchronized (room) {
      room.reset(snapshot);
      members = room.members();
    }
    log.info("room {} lost entries in the cluster; its {} local connections reconnect", LogText.of(name), members.size());
    for (Session session : members) {
      // Reconnecting, a client asks to recover; the engine cannot vouch, so it gets recent history.
      session.connection.close(CloseCodes.GOING_AWAY, "The room must be reloaded; reconnect");
    }
  }

  /**
   * {@link dev.parley.chat.cluster.LocalNode#onDeparted}: a user of a dead node left the room; its
   * presence entry is there already, the kept notice a leave adds is not.
   */
  void departed(String room, String user) {
    // A live notice went with the presence entry (departure()); a kept one is added here, once.
    announcePresence(room, user, false, Exclusion.none());
  }

  // ---------------------------------------------------------------- into the order

  /**
   * Publishes an entry to a room's order; a message is then appended to the history store with its
   * final id. With an engine whose stages complete at once (the in-process one), the store write
   * happens under the room's order lock, so the store sees the room's order.
   */
  CompletionStage<Published> publish(String room, ChatMessage message, Exclusion except) {
    synchronized (orderLocks.of(room)) {
      return engine.publish(room, new ServerEvent.Message(message), except).thenApply(ordered -> {
        ChatMessage kept = ((ServerEvent.Message) ordered).message();
        return new Published(kept, queued(ordered), store.append(room, kept));
      });
    }
  }

  /** How many of this node's connections an in-process publish queued its entry to (else 0). */
  private static int queued(ServerEvent ordered) {
    Tally tally = TALLY.get();
    int queued = tally.event == ordered ? tally.queued : 0;
    tally.event = null;
    return queued;
  }

  /**
   * Publishes a change of a message (an edit or a tombstone) to the room's order; the engine gives it
   * its revision, then the store replaces the message with it. Under the room's order lock, as a
   * message's publish, so that the store sees this node's entries of a room in their order.
   */
  CompletionStage<Published> change(String room, ChatMessage version, Exclusion except) {
    synchronized (orderLocks.of(room)) {
      return engine.publish(room, new ServerEvent.MessageChanged(version), except).thenApply(ordered -> {
        int queued = queued(ordered);
        ChatMessage kept = ((ServerEvent.MessageChanged) ordered).message();
        CompletionStage<Void> durable;
        try {
          durable = store.change(room, kept);
        } catch (RuntimeException e) {
          durable = CompletableFuture.failedFuture(e);
        }
        return new Published(kept, queued, durable);
      });
    }
  }

  /**
   * The current version of a message of a room, as this node's mirror or else the engine's log holds
   * it; fails with {@code MESSAGE_TOO_OLD} or {@code UNKNOWN_MESSAGE} if neither does.
   */
  CompletionStage<ChatMessage> find(String name, String id, int logSize) {
    LocalRoom room = rooms.get(name);
    if (room != null) {
      synchronized (room) {
        ChatMessage found = room.closed ? null : room.find(id);
        if (found != null) {
          return CompletableFuture.completedFuture(found);
        }
      }
    }
    return engine.recent(name, logSize).thenApply(recent -> {
      MessageLog log = new MessageLog(logSize);
      recent.forEach(log::append);
      ChatMessage found = log.find(id);
      if (found == null) {
        throw Changes.missing(log, id);
      }
      return found;
    });
  }

  /**
   * Publishes a presence change; when presence is announced live only, with its notice ("alice has
   * joined") for the same members. A kept notice is {@link #announcePresence}'s.
   */
  CompletionStage<ServerEvent> publishPresence(String room, String user, boolean joined, Exclusion except) {
    return engine.publish(room, presence(room, user, joined), except);
  }

  /** {@link dev.parley.chat.cluster.LocalNode#departure}: a dead node's user leaves as any other. */
  ServerEvent.Presence departure(String room, String user) {
    return presence(room, user, false);
  }

  /** A presence change, with its live notice when notices are live only. */
  private ServerEvent.Presence presence(String room, String user, boolean joined) {
    ChatMessage notice = config.announcePresence() && !config.keepPresenceNotices()
        ? drafts.notice(room, presenceText(user, joined))
        : null;
    return new ServerEvent.Presence(room, user, joined, notice);
  }

  /** The notice of a presence change, as a message of the room's history, when so configured. */
  void announcePresence(String room, String user, boolean joined, Exclusion except) {
    if (config.announcePresence() && config.keepPresenceNotices()) {
      announce(room, presenceText(user, joined), except);
    }
  }

  private static String presenceText(String user, boolean joined) {
    return user + (joined ? " has joined" : " has left");
  }

  /**
   * Clears a room's history, in its order: the engine places the clear after the newest message
   * ordered before it, and the store clears through that message with a floor there. So the store
   * loses exactly what was ordered before the clear, including a message another node appends late,
   * and keeps everything ordered after it, whichever node appends it and when.
   */
  CompletionStage<Void> clear(String room, String by) {
    synchronized (orderLocks.of(room)) {
      return engine.publish(room, new ServerEvent.HistoryCleared(room, by, null), Exclusion.none())
          .thenCompose(cleared -> store.clear(room, ((ServerEvent.HistoryCleared) cleared).throughId()));
    }
  }

  /** Whether a room exists anywhere in the cluster: it has members or kept messages. */
  CompletionStage<Boolean> exists(String room) {
    if (rooms.containsKey(room)) {
      return CompletableFuture.completedFuture(true);
    }
    return engine.rooms().thenApply(all -> all.contains(room));
  }

  /** The room's recent messages: this node's mirror if it holds the room, else the engine's log. */
  List<ChatMessage> history(String name) {
    LocalRoom room = rooms.get(name);
    if (room != null) {
      synchronized (room) {
        if (!room.closed) {
          return room.history();
        }
      }
    }
    return Stages.await(engine.recent(name, config.historySize()));
  }

  /** A join or leave notice; under overload the store may refuse to keep it, and history goes without. */
  void announce(String room, String text, Exclusion except) {
    ChatMessage notice = drafts.notice(room, text);
    publish(room, notice, except).whenComplete((published, failure) -> {
      if (failure != null) {
        OutageLog.CLUSTER.warn("a join or leave notice was not sent", failure);
      } else if (published.refused()) {
        OutageLog.STORE.warn("a join or leave notice was not kept: the history store refused it", null);
      }
    });
  }
}
