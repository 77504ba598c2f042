package dev.parley.chat.internal;

import dev.parley.chat.ChatException;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.ErrorCodes;

/**
 * The refusals of an edit or deletion that engines and the server share, so that a client gets the
 * same code whichever of them finds the message missing. Stateless.
 */
public final class Changes {
  private Changes() {}

  /**
   * Why a log does not hold a message: it is older than the log's oldest (past what the server keeps
   * editable), or no message of the room has that id.
   */
  public static ChatException missing(MessageLog log, String id) {
    ChatMessage oldest = log.oldest();
    if (oldest != null && id.compareTo(oldest.id()) < 0) {
      return tooOld();
    }
    return new ChatException(ErrorCodes.UNKNOWN_MESSAGE, "The room has no message " + id);
  }

  public static ChatException tooOld() {
    return new ChatException(ErrorCodes.MESSAGE_TOO_OLD, "The message is too old to be changed");
  }

  public static ChatException deleted() {
    return new ChatException(ErrorCodes.UNKNOWN_MESSAGE, "The message was deleted");
  }

  /** A tombstone of a message: what stays of it once deleted; revision and time are the engine's. */
  static ChatMessage tombstone(ChatMessage message) {
    return message.toBuilder().text("").data(null).deleted(true).build();
  }
}
