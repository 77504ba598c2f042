package dev.parley.chat.internal;

import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatException;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.ChatServer;
import dev.parley.chat.RoomContext;
import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.cluster.Exclusion;
import dev.parley.chat.spi.ServerEvent;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections entering and leaving rooms: the engine counts them per user (a user enters a room with
 * their first connection in it and leaves with their last, cluster-wide), and the room is told of
 * both. Runs on the sessions' inboxes. Thread-safe.
 *
 * <p>A user's presence lock (striped by name) holds a connection's entering, or leaving, and the
 * presence entry that tells of it together, so that a user's entries reach the room's order in the
 * order the engine counted them (a client reconnecting while its old connection closes enters and
 * leaves at once). It is taken before any lock of {@link RoomRegistry}.
 */
final class RoomMembership {
  private static final Logger log = LoggerFactory.getLogger(ChatServer.class);
  /** Tries to bring a member list up to date before the join settles for the list as read. */
  private static final int MEMBER_LIST_TRIES = 3;

  private final ChatServer server;
  private final ClusterEngine engine;
  private final RoomRegistry registry;
  private final Recovery recovery;
  private final ChatConfig config;
  private final HookPolicy hooks;
  private final Stripes presenceLocks;
  private final ClusterRepair repair;

  RoomMembership(ChatServer server, ClusterEngine engine, RoomRegistry registry, Recovery recovery, ChatConfig config,
      HookPolicy hooks, Stripes presenceLocks, ClusterRepair repair) {
    this.server = server;
    this.engine = engine;
    this.registry = registry;
    this.recovery = recovery;
    this.config = config;
    this.hooks = hooks;
    this.presenceLocks = presenceLocks;
    this.repair = repair;
  }

  /** Answers a join of a room the session is already in: the room as it is now. */
  void answerAgain(Session session, String requestId, String roomName, Receipts.Marker marker) {
    LocalRoom room = registry.get(roomName);
    List<String> members = Stages.await(engine.members(roomName));
    synchronized (room) {
      session.send(new ServerEvent.Joined(requestId, roomName, session.user(), members, room.history(), false,
          marker.lastRead(), marker.unread()));
    }
  }

  /**
   * Adds a session to a room and answers its join with what it missed since {@code since} or, when
   * that cannot be given, the recent history; then tells the room if the user is new in it.
   */
  void join(Session session, String requestId, String roomName, String since, Receipts.Marker marker) {
    String user = session.user();
    synchronized (presenceLocks.of(user)) {
      LocalRoom room = registry.acquire(roomName);
      boolean entered = false;
      boolean joined = false;
      try {
        boolean first = Stages.await(engine.enter(roomName, user, session.id()));
        entered = true;
        repair.entered(roomName, user, session.id());
        Recovery.Attempt recovering = recovery.start(roomName, since);
        for (int tries = 1; !joined; tries++) {
          if (recovering != null) {
            recovering.read(room);
          }
          long seq;
          synchronized (room) {
            seq = room.presenceSeq();
          }
          List<String> read = Stages.await(engine.members(roomName));
          synchronized (room) {
            List<ChatMessage> missed = recovering == null ? null : recovering.missed(room);
            List<String> members = room.membersSince(read, seq);
            if (missed == Recovery.READ_AGAIN || (members == null && tries < MEMBER_LIST_TRIES)) {
              continue;
            }
            // From here on every entry of the room reaches the session live, after this answer.
            room.add(session);
            session.addRoom(roomName);
            session.send(new ServerEvent.Joined(requestId, roomName, user, members == null ? read : members,
                missed == null ? room.history() : missed, missed != null, marker.lastRead(), marker.unread()));
            joined = true;
          }
        }
        if (first) {
          Exclusion others = new Exclusion(null, user);
          tell(registry.publishPresence(roomName, user, true, others), roomName, user, true);
          registry.announcePresence(roomName, user, true, others);
        }
      } finally {
        if (!joined) {
          if (entered) {
            engine.exit(roomName, user, session.id());
          }
          registry.release(room);
        }
      }
    }
  }

  /** Takes a session out of a room, tells the room, then the leave hook. */
  void leave(Session session, String roomName) {
    LocalRoom room = registry.get(roomName);
    session.removeRoom(roomName);
    if (room == null) {
      return;
    }
    String user = session.user();
    synchronized (presenceLocks.of(user)) {
      boolean member;
      synchronized (room) {
        member = room.remove(session);
      }
      if (!member) {
        return;
      }
      registry.release(room);
      boolean last;
      try {
        last = Stages.await(engine.exit(roomName, user, session.id()));
      } catch (ChatException e) {
        // Made up for once the cluster answers again (with the presence entry, if it was the last).
        log.info("could not take connection {} out of a room yet: {}", session.id(), e.getMessage());
        repair.exitFailed(roomName, user, session.id());
        last = false;
      }
      if (last) {
        Exclusion nobody = Exclusion.none();
        tell(registry.publishPresence(roomName, user, false, nobody), roomName, user, false);
        registry.announcePresence(roomName, user, false, nobody);
      }
    }
    if (hooks.hooks.leave() != null) {
      hooks.tell(ChatMetrics.Hook.LEAVE, () -> hooks.hooks.leave().onLeave(new RoomContext(server, session.info(), roomName)));
    }
  }

  /**
   * Follows a presence entry's publishing: one that fails is owed to the room until the cluster
   * answers again. Publishes complete in the order they were made (one engine, one connection), so
   * the latest change of a user's presence is the one owed.
   */
  private void tell(java.util.concurrent.CompletionStage<?> presence, String room, String user, boolean joined) {
    presence.whenComplete((done, failure) -> {
      if (failure != null) {
        // Made up for, so not a warning: the count of these follows the clients' joins and leaves.
        log.info("presence change in {} not sent yet: {}", dev.parley.chat.internal.logging.LogText.of(room),
            failure.toString());
        repair.untold(room, user, joined);
      } else {
        repair.told(room, user);
      }
    });
  }
}
