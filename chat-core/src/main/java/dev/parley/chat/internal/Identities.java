package dev.parley.chat.internal;

import dev.parley.chat.ChatException;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.spi.CloseCodes;
import dev.parley.chat.spi.ServerEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is connected to this node, and under which name: names are claimed through the engine, which
 * keeps them unique in the cluster; this class keeps this node's connections by id and by user, for
 * routing to them. Thread-safe.
 */
final class Identities {
  private static final Logger log = LoggerFactory.getLogger(dev.parley.chat.ChatServer.class);
  /** Generated names collide rarely; past this many tries the name space is too small or full. */
  private static final int MAX_NAME_ATTEMPTS = 50;

  private final ClusterEngine engine;
  private final Names names;
  private final ClusterRepair repair;
  private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
  /** Username to this node's connections of that user; the lists are replaced, never mutated. */
  private final ConcurrentHashMap<String, List<Session>> users = new ConcurrentHashMap<>();
  private final SenderHandover handover;

  Identities(ClusterEngine engine, Names names, ClusterRepair repair, SenderHandover handover) {
    this.repair = repair;
    this.engine = engine;
    this.names = names;
    this.handover = handover;
  }

  /** How many users have a connection on this node now. */
  int users() {
    return users.size();
  }

  Names names() {
    return names;
  }

  void opened(Session session) {
    sessions.put(session.id(), session);
  }

  Session session(String connectionId) {
    return sessions.get(connectionId);
  }

  /** Whether the user has a connection on this node. */
  boolean isLocal(String user) {
    return users.containsKey(user);
  }

  /**
   * Gives a session a username. A name is free when nobody in the cluster has it; a name the connect
   * hook chose ({@link Session#identityFixed}) may be shared by every connection the hook gave it to.
   * The session is routable as that user only once the claim holds, so nothing meant for the name's
   * holder reaches a connection that fails to claim it.
   *
   * @return whether the session now has the name
   * @throws ChatException {@code CLUSTER_UNAVAILABLE} if the engine cannot be reached
   */
  boolean claim(String user, Session session) {
    boolean claimed;
    String earlier = session.connection.continues();
    try {
      claimed = Stages.await(earlier == null
          ? engine.claim(user, session.id(), session.identityFixed)
          : engine.takeOver(user, session.id(), session.identityFixed, earlier));
    } catch (ChatException e) {
      engine.release(user, session.id()); // it may have been granted after we stopped waiting
      throw e;
    }
    if (!claimed) {
      return false;
    }
    if (earlier != null) {
      // The conversations the earlier connection may mark read are this one's too: its client showed
      // their messages. Taken from the earlier session if it is still open here, else as it closed;
      // only by a connection of the same user.
      Session open = sessions.get(earlier);
      PrivateSenders senders = open == null ? handover.take(earlier, user)
          : user.equals(open.user()) ? open.privateSenders : null;
      if (senders != null) {
        session.privateSenders.takeFrom(senders);
      }
    }
    users.compute(user, (u, list) -> {
      List<Session> next = list == null ? new ArrayList<>() : new ArrayList<>(list);
      next.add(session);
      return List.copyOf(next);
    });
    session.user(user);
    return true;
  }

  /**
   * Gives a session the name it asks for at its first join, or a generated one; keeps its name after.
   *
   * @return whether the session got its name now
   */
  boolean establish(Session session, String wanted) {
    String current = session.user();
    if (current != null) {
      if (wanted != null && !wanted.equals(current)) {
        throw new ChatException(
            ErrorCodes.USERNAME_MISMATCH, "This connection is already " + current + "; it cannot join as " + wanted);
      }
      return false;
    }
    if (wanted == null) {
      for (int attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
        if (claim(names.randomUsername(attempt), session)) {
          return true;
        }
      }
      throw new ChatException(ErrorCodes.USERNAME_TAKEN, "No free username could be generated; choose one");
    }
    if (!names.isValidUsername(wanted)) {
      throw new ChatException(ErrorCodes.INVALID_USERNAME, "Usernames are " + names.usernameRule());
    }
    if (!claim(wanted, session)) {
      throw new ChatException(ErrorCodes.USERNAME_TAKEN, "The name " + wanted + " is taken");
    }
    return true;
  }

  /** Forgets a closed session: first as a route, then its claim, so the name is free only once unroutable. */
  void closed(Session session) {
    sessions.remove(session.id());
    handover.closed(session.id(), session.user(), session.privateSenders);
    String user = session.user();
    if (user == null) {
      return;
    }
    users.computeIfPresent(user, (u, list) -> {
      List<Session> next = new ArrayList<>(list);
      next.remove(session);
      return next.isEmpty() ? null : List.copyOf(next);
    });
    engine.release(user, session.id()).exceptionally(e -> {
      // Made up for once the cluster answers again, so not a warning: every closing client makes one.
      log.info("could not release the name of connection {} yet: {}", session.id(), e.toString());
      repair.releaseFailed(user, session.id());
      return null;
    });
  }

  // ---------------------------------------------------------------- this node's side of routing

  /** This node's open connections of a user, possibly none. */
  List<Session> sessionsOf(String user) {
    List<Session> list = users.get(user);
    return list == null ? List.of() : list;
  }

  int toUser(String user, ServerEvent event) {
    List<Session> list = users.get(user);
    return list == null ? 0 : LocalRoom.sendAll(list, event, dev.parley.chat.cluster.Exclusion.none());
  }

  /** As {@link #toUser(String, ServerEvent)}, telling {@code queued} of each connection that took it. */
  int toUser(String user, ServerEvent event, java.util.function.Consumer<Session> queued) {
    List<Session> list = users.get(user);
    if (list == null) {
      return 0;
    }
    dev.parley.chat.spi.SharedEvent shared = new dev.parley.chat.spi.SharedEvent(event);
    int count = 0;
    for (Session session : list) {
      if (session.connection.send(shared)) {
        count++;
        queued.accept(session);
      }
    }
    return count;
  }

  boolean toConnection(String connectionId, ServerEvent event) {
    Session session = sessions.get(connectionId);
    return session != null && session.connection.send(event);
  }

  int disconnect(String user, String reason) {
    List<Session> list = users.get(user);
    if (list == null) {
      return 0;
    }
    for (Session session : list) {
      session.connection.close(CloseCodes.DISCONNECTED_BY_SERVER, reason);
    }
    return list.size();
  }

  /** Closes every connection of this node. */
  void closeAll(int code, String reason) {
    for (Session session : sessions.values()) {
      session.connection.close(code, reason);
    }
  }
}
