package dev.parley.chat.history;

import java.time.Instant;
import java.util.Objects;

/**
 * A moderator's restriction of a user in a room, as a {@link HistoryStore} keeps it: a ban (the
 * user's joins are refused) or a mute (the user's messages to the room are refused). A store keeps
 * at most one of each kind per user and room.
 *
 * <p>An immutable value, safe to share between threads: a store makes one when it reads a
 * restriction, and it describes it as it was then (a later lift or replacement does not change it).
 *
 * @param kind a ban or a mute
 * @param room the room
 * @param user the user restricted
 * @param until when it ends; {@code null} for a permanent ban (a mute always ends)
 * @param reason why, as the moderator said it (may be empty, never {@code null})
 */
public record Restriction(Kind kind, String room, String user, Instant until, String reason) {

  /** What a restriction refuses. */
  public enum Kind {
    /** The user's joins ({@link dev.parley.chat.ErrorCodes#BANNED}). */
    BAN,
    /** The user's messages to the room ({@link dev.parley.chat.ErrorCodes#MUTED}). */
    MUTE
  }

  /** Checks the fields. */
  public Restriction {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(reason, "reason");
    if (kind == Kind.MUTE && until == null) {
      throw new IllegalArgumentException("a mute ends: until is required");
    }
  }

  /**
   * Whether the restriction holds at a time.
   *
   * @param now the time, from the server's clock
   * @return {@code true} if it is permanent or ends after {@code now}
   */
  public boolean activeAt(Instant now) {
    return until == null || until.isAfter(now);
  }
}
