package dev.parley.chat;

/**
 * What a moderator does to a user in a room; see {@link ModerationHook}.
 *
 * <p>A constant: immutable, and safe to share between threads.
 */
public enum ModerationAction {
  /** Take the user out of the room now; they may join again. */
  KICK,
  /** Refuse the user's messages to the room for a while ({@link ErrorCodes#MUTED}). */
  MUTE,
  /** End a mute early. */
  UNMUTE,
  /** Kick the user and refuse their joins ({@link ErrorCodes#BANNED}) for a while or for good. */
  BAN,
  /** End a ban early. */
  UNBAN
}
