package dev.parley.chat;

import java.util.Objects;

/**
 * What a connect hook decided about a new connection: accept it (as a given user or not) or refuse
 * it. The one connect decision of both protocols: the chat server's {@link ConnectHook} returns it,
 * and so do a Socket.IO namespace's connect hooks and connect middleware. Create one with the static
 * factories; inspect one with {@code instanceof} ({@code if (d instanceof ConnectDecision.Reject r)
 * ...}).
 *
 * <p>Threading and lifecycle: immutable values, safe to share between threads and to keep; the
 * server reads one once, when the hook returns it.
 */
public sealed interface ConnectDecision permits ConnectDecision.Accept, ConnectDecision.Reject {

  /** Accept; on the chat server the client chooses its username at its first join (or gets a generated one). */
  static ConnectDecision accept() {
    return Accept.ANONYMOUS;
  }

  /**
   * Accept as this user, for example the name of an authenticated session. On the chat server the
   * identity is fixed: several connections may share it (one user, several tabs), and a join naming
   * another user is refused with {@link ErrorCodes#USERNAME_MISMATCH}. On a Socket.IO namespace
   * without a chat server it is the user the socket's {@code user()} returns.
   */
  static ConnectDecision acceptAs(String user) {
    return new Accept(Objects.requireNonNull(user, "user"));
  }

  /**
   * Refuse with a message the client receives: on the JSON protocol a {@link
   * ErrorCodes#CONNECTION_REJECTED} error carrying it, then a close with {@link
   * dev.parley.chat.spi.CloseCodes#POLICY_VIOLATION}; on Socket.IO a {@code connect_error} whose
   * {@code err.message} it is.
   */
  static ConnectDecision reject(String message) {
    return new Reject(message, null);
  }

  /**
   * Refuse with a message and extra data: a Socket.IO client receives the data as {@code err.data}
   * of its {@code connect_error}. The JSON protocol's error frame has no such field: there the data
   * is not sent, and the client receives the message only, as with {@link #reject(String)}.
   *
   * @param data JSON-compatible values (maps, lists, strings, numbers, booleans), or {@code null}
   */
  static ConnectDecision reject(String message, Object data) {
    return new Reject(message, data);
  }

  /**
   * See {@link ConnectDecision#accept()} and {@link ConnectDecision#acceptAs(String)}.
   *
   * @param user the identity given to the connection, or {@code null} for none
   */
  record Accept(String user) implements ConnectDecision {
    private static final Accept ANONYMOUS = new Accept(null);
  }

  /**
   * See {@link ConnectDecision#reject(String, Object)}.
   *
   * @param message the reason the client receives
   * @param data extra data for Socket.IO's {@code err.data}, or {@code null}
   */
  record Reject(String message, Object data) implements ConnectDecision {
    /** Checks that the message is present. */
    public Reject {
      Objects.requireNonNull(message, "message");
    }
  }
}
