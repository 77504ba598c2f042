package dev.parley.chat;

/**
 * What the {@link ClearHistoryHook} decided about a request to clear a room's history: clear it,
 * refuse, or clear nothing because the hook dealt with the request itself. Create one with the
 * static factories; inspect one with {@code instanceof}: {@link Decision.Accept}, {@link
 * Decision.Reject} or {@link MessageDecision.Handled}.
 *
 * <p>Threading and lifecycle: immutable values, safe to share between threads; the server reads
 * one once, on the thread the hook returned on. A hook that returns {@code null} accepts.
 */
public sealed interface ClearHistoryDecision
    permits Decision.Accept, Decision.Reject, MessageDecision.Handled {

  /** Clear the room's history; every member, the requester included, is told. */
  static ClearHistoryDecision accept() {
    return Decision.Accept.INSTANCE;
  }

  /** Refuse with the code {@link ErrorCodes#REJECTED} and a message the client receives. */
  static ClearHistoryDecision reject(String message) {
    return new Decision.Reject(ErrorCodes.REJECTED, message);
  }

  /** Refuse with an error code of the hook's choosing and a message the client receives. */
  static ClearHistoryDecision reject(String code, String message) {
    return new Decision.Reject(code, message);
  }

  /**
   * The hook has dealt with the request itself (for example it hid the history from this user in
   * its own store): nothing is cleared and no member is told; a request with an id is answered as
   * done.
   */
  static ClearHistoryDecision handled() {
    return MessageDecision.Handled.INSTANCE;
  }
}
