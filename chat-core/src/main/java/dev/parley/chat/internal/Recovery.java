package dev.parley.chat.internal;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.cluster.ClusterEngine;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a rejoining client missed since the id it last saw. The engine decides what it can vouch for
 * (its log, which the in-process engine reads through to the history store); the messages that reached this node's mirror of the
 * room after the engine's answer are added under the room's lock, where the joiner's live delivery
 * starts, so the client gets each message once: in its join's history or live. One per server;
 * stateless but for the engine.
 */
final class Recovery {
  /** Engine reads one recovery may make before it gives up and sends the recent history instead. */
  private static final int MAX_READS = 3;
  /** {@link Attempt#missed} wants another read, outside the room's lock; compared by identity. */
  static final List<ChatMessage> READ_AGAIN = java.util.Collections.unmodifiableList(new ArrayList<>(0));

  private final ClusterEngine engine;
  private final ChatConfig config;
  private final Clock clock;

  Recovery(ClusterEngine engine, ChatConfig config, Clock clock) {
    this.engine = engine;
    this.config = config;
    this.clock = clock;
  }

  /**
   * Starts recovering a room for a client that last saw {@code since}.
   *
   * @return the attempt, or {@code null} when there is nothing to recover (no id, or one older than
   *     the recovery window): the client gets the recent history
   */
  Attempt start(String room, String since) {
    if (since == null) {
      return null;
    }
    long millis = Drafts.idMillis(since);
    if (millis < 0 || clock.millis() - millis > config.recoveryWindow().toMillis()) {
      return null;
    }
    return new Attempt(room, since);
  }

  /** One client's recovery of one room. Confined to the joining session's inbox. */
  final class Attempt {
    private final String room;
    private final String since;
    /** What the engine gave, oldest first, and the newest id it covers. */
    private final List<ChatMessage> fetched = new ArrayList<>();
    private String known;
    private int reads;
    private boolean wantRead = true;
    private boolean givenUp;
    private int clearsAtRead;

    private Attempt(String room, String since) {
      this.room = room;
      this.since = since;
      this.known = since;
    }

    /** Asks the engine for what the client missed after what is known, if the last step wants that. */
    void read(LocalRoom local) {
      if (!wantRead || givenUp) {
        return;
      }
      if (reads >= MAX_READS) {
        givenUp = true;
        return;
      }
      synchronized (local) {
        clearsAtRead = local.clears();
      }
      int limit = config.maxRecoveredMessages() - fetched.size();
      Optional<List<ChatMessage>> more = limit < 0 ? Optional.empty() : Stages.await(engine.after(room, known, limit));
      reads++;
      wantRead = false;
      if (more.isEmpty()) {
        givenUp = true; // the engine cannot vouch: too many, too old, or unknown to it
        return;
      }
      fetched.addAll(more.get());
      if (!fetched.isEmpty()) {
        known = MessageLog.place(fetched.get(fetched.size() - 1));
      }
    }

    /**
     * Under the room's lock: what the client missed, up to where live delivery starts.
     *
     * @return the messages; {@code null} if they cannot be given (the client gets the recent history
     *     and {@code recovered: false}); {@link #READ_AGAIN} if the engine must be asked again first
     */
    List<ChatMessage> missed(LocalRoom local) {
      if (givenUp) {
        return null;
      }
      if (local.clears() != clearsAtRead) {
        // Cleared since the engine answered: what it gave is gone, and so is all before.
        fetched.clear();
        known = since;
        wantRead = true;
        return READ_AGAIN;
      }
      List<ChatMessage> recent = local.historyAfter(known);
      if (recent == null) {
        wantRead = true; // more arrived than the mirror keeps: ask the engine from where it left off
        return READ_AGAIN;
      }
      List<ChatMessage> missed = new ArrayList<>(fetched);
      missed.addAll(recent);
      // The engine gave a message in a version the mirror has since seen changed: the later one stays.
      missed = MessageLog.byPlace(missed);
      return missed.size() > config.maxRecoveredMessages() ? null : List.copyOf(missed);
    }
  }
}
