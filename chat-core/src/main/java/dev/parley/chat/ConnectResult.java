package dev.parley.chat;

import java.util.Objects;

/**
 * What the {@link ConnectHook} decided about a new connection. Create one with the static factories.
 *
 * <p>Threading and lifecycle: an immutable value, safe to share between threads; the server reads it
 * once, when the hook returns it.
 *
 * @param accepted whether the connection may stay
 * @param user the identity the hook gave the connection, or {@code null} to let the client choose a
 *     username at its first join
 * @param reason why the connection was refused; {@code null} when accepted
 */
public record ConnectResult(boolean accepted, String user, String reason) {

  private static final ConnectResult ACCEPT = new ConnectResult(true, null, null);

  /** Accept; the client chooses its username at its first join (or gets a generated one). */
  public static ConnectResult accept() {
    return ACCEPT;
  }

  /**
   * Accept as this user, for example the name of an authenticated session. The identity is fixed:
   * several connections may share it (one user, several tabs), and a join naming another user is
   * refused with {@link ErrorCodes#USERNAME_MISMATCH}.
   */
  public static ConnectResult acceptAs(String user) {
    return new ConnectResult(true, Objects.requireNonNull(user, "user"), null);
  }

  /**
   * Refuse: the client receives a {@link ErrorCodes#CONNECTION_REJECTED} error carrying the reason,
   * then the connection is closed with {@link dev.parley.chat.spi.CloseCodes#POLICY_VIOLATION}.
   */
  public static ConnectResult reject(String reason) {
    return new ConnectResult(false, null, Objects.requireNonNull(reason, "reason"));
  }
}
