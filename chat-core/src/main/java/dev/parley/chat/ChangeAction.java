package dev.parley.chat;

/**
 * What a user asks to do to a message already sent; see {@link ChangeHook}.
 *
 * <p>Threading and lifecycle: constants only.
 */
public enum ChangeAction {
  /** Replace the message's text and data; it keeps its id and place, and is marked edited. */
  EDIT,
  /** Replace the message by a tombstone: no text, no data, marked deleted. */
  DELETE
}
