package dev.parley.chat;

/**
 * What a {@link ChatMessage} is, which decides who receives it.
 *
 * <p>Threading and lifecycle: an enum, immutable and safe to share between threads.
 */
public enum MessageKind {
  /** A user's message to a room; delivered to the room's members. */
  ROOM,
  /** A message from one user to one other user, on every connection that user has. */
  PRIVATE,
  /** A message from the server itself: join and leave announcements, greetings, system notices. */
  NOTICE
}
