package dev.parley.chat.internal;

import dev.parley.chat.internal.concurrent.Threads;
import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.cluster.Exclusion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this node could not tell the cluster when it happened, because the engine could not be
 * reached (Redis went away, or did not answer), made up for once it can: a presence entry that
 * could not be published (a join whose {@code enter} held, a leave whose {@code exit} held), a
 * connection's {@code exit} from a room and the release of its name. Without this, after an
 * outage the room's other members would never be told of the change, and the cluster would keep
 * counting a gone connection in its rooms and holding its name, until this node left the cluster.
 *
 * <p>Thread-safe. Tries again every {@link #RETRY_MILLIS} while anything is owed, on one daemon
 * timer thread shared by the servers in the JVM (it waits for the engine, which fails at once or
 * within its timeout while unreachable). Each retry of a room's presence takes the user's presence
 * lock, as the change it makes up for did, and first checks that it still holds: a change made
 * since supersedes it. An evicted node forgets what it owed: the cluster dropped its records and
 * told the rooms. Closed with its server.
 */
final class ClusterRepair {
  private static final Logger log = LoggerFactory.getLogger(dev.parley.chat.ChatServer.class);
  /** How long after a failure the engine is asked again. */
  static final long RETRY_MILLIS = 1000;

  private static final class Timer {
    static final ScheduledExecutorService TIMER =
        Executors.newSingleThreadScheduledExecutor(r -> Threads.daemon(r, "parley-cluster-repair"));
  }

  private record Presence(String room, String user) {}

  private record Exit(String room, String user, String connectionId) {}

  private record Release(String user, String connectionId) {}

  private final ClusterEngine engine;
  private final RoomRegistry registry;
  private final Stripes presenceLocks;
  // Guarded by this.
  /** Presence entries not published, the latest change of each (room, user): true for joined. */
  private final Map<Presence, Boolean> untold = new LinkedHashMap<>();
  private final Set<Exit> exits = new LinkedHashSet<>();
  private final Set<Release> releases = new LinkedHashSet<>();
  private boolean scheduled;
  private boolean closed;

  ClusterRepair(ClusterEngine engine, RoomRegistry registry, Stripes presenceLocks) {
    this.engine = engine;
    this.registry = registry;
    this.presenceLocks = presenceLocks;
  }

  /** A presence entry could not be published; called in the order the changes were published. */
  synchronized void untold(String room, String user, boolean joined) {
    untold.put(new Presence(room, user), joined);
    schedule();
  }

  /** A presence entry was published: an earlier one still owed for the room and user is moot. */
  synchronized void told(String room, String user) {
    untold.remove(new Presence(room, user));
  }

  /** A connection's {@code exit} from a room failed: the cluster still counts it there. */
  synchronized void exitFailed(String room, String user, String connectionId) {
    exits.add(new Exit(room, user, connectionId));
    schedule();
  }

  /** The connection entered the room again (a leave and a join): its owed exit would undo that. */
  synchronized void entered(String room, String user, String connectionId) {
    exits.remove(new Exit(room, user, connectionId));
  }

  /** A closed connection's name could not be released: the cluster still holds it for it. */
  synchronized void releaseFailed(String user, String connectionId) {
    releases.add(new Release(user, connectionId));
    schedule();
  }

  /** This node was evicted: the cluster no longer has its records, and told the rooms. */
  synchronized void forget() {
    untold.clear();
    exits.clear();
    releases.clear();
  }

  synchronized void close() {
    closed = true;
    forget();
  }

  private void schedule() {
    if (!scheduled && !closed) {
      scheduled = true;
      Timer.TIMER.schedule(this::retry, RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private void retry() {
    List<Release> owedReleases;
    List<Exit> owedExits;
    List<Map.Entry<Presence, Boolean>> owedPresence;
    synchronized (this) {
      scheduled = false;
      owedReleases = new ArrayList<>(releases);
      owedExits = new ArrayList<>(exits);
      owedPresence = untold.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList();
    }
    try {
      for (Release r : owedReleases) {
        Stages.await(engine.release(r.user(), r.connectionId()));
        synchronized (this) {
          releases.remove(r);
        }
      }
      for (Exit e : owedExits) {
        exit(e);
      }
      for (Map.Entry<Presence, Boolean> p : owedPresence) {
        tell(p.getKey(), p.getValue());
      }
    } catch (RuntimeException e) {
      // Still unreachable (CLUSTER_UNAVAILABLE); the rest waits for the next try.
      log.debug("the cluster is still unreachable: {}", e.toString());
    }
    synchronized (this) {
      if (!untold.isEmpty() || !exits.isEmpty() || !releases.isEmpty()) {
        schedule();
      }
    }
  }

  private void exit(Exit e) {
    synchronized (presenceLocks.of(e.user())) {
      synchronized (this) {
        if (!exits.contains(e)) {
          return; // entered again, or the node was evicted
        }
      }
      boolean last = Stages.await(engine.exit(e.room(), e.user(), e.connectionId()));
      synchronized (this) {
        exits.remove(e);
        if (last) {
          untold.put(new Presence(e.room(), e.user()), false); // told below, in this same try
        }
      }
      if (last) {
        tell(new Presence(e.room(), e.user()), false);
      }
    }
  }

  private void tell(Presence p, boolean joined) {
    synchronized (presenceLocks.of(p.user())) {
      if (!owes(p, joined)) {
        return;
      }
      // Published only if still true: the user may have joined or left again on another node since.
      boolean member = Stages.await(engine.members(p.room())).contains(p.user());
      if (member == joined && owes(p, joined)) {
        Stages.await(registry.publishPresence(p.room(), p.user(), joined,
            joined ? new Exclusion(null, p.user()) : Exclusion.none()));
      }
      synchronized (this) {
        untold.remove(p, joined);
      }
    }
  }

  private synchronized boolean owes(Presence p, boolean joined) {
    return Objects.equals(untold.get(p), joined);
  }
}
