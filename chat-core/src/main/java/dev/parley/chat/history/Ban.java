package dev.parley.chat.history;

import java.time.Instant;
import java.util.Objects;

/**
 * A user's ban from a room, as a {@link HistoryStore} keeps it.
 *
 * <p>An immutable value, safe to share between threads: a store makes one when it reads a ban, and
 * it describes the ban as it was then (a later unban or a new ban does not change it).
 *
 * @param room the room
 * @param user the banned user
 * @param until when the ban ends, or {@code null} for a permanent one
 * @param reason why, as the moderator said it (may be empty, never {@code null})
 */
public record Ban(String room, String user, Instant until, String reason) {
  /** Checks the fields. */
  public Ban {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * Whether the ban holds at a time.
   *
   * @param now the time, from the server's clock
   * @return {@code true} if it is permanent or ends after {@code now}
   */
  public boolean activeAt(Instant now) {
    return until == null || until.isAfter(now);
  }
}
