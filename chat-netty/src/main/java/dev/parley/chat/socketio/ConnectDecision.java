package dev.parley.chat.socketio;

import java.util.Objects;

/**
 * What a {@link ConnectHandler} decided.
 *
 * <p>An immutable value: safe to share and to keep.
 *
 * @param accepted whether the client may connect
 * @param message the refusal message the client receives, or {@code null}
 * @param data extra refusal data the client receives as {@code err.data}, or {@code null}
 */
public record ConnectDecision(boolean accepted, String message, Object data) {
  private static final ConnectDecision ACCEPT = new ConnectDecision(true, null, null);

  /** Let the client connect. */
  public static ConnectDecision accept() {
    return ACCEPT;
  }

  /** Refuse; the client's {@code connect_error} carries the message. */
  public static ConnectDecision reject(String message) {
    return new ConnectDecision(false, Objects.requireNonNull(message, "message"), null);
  }

  /** Refuse with a message and extra data for the client. */
  public static ConnectDecision reject(String message, Object data) {
    return new ConnectDecision(false, Objects.requireNonNull(message, "message"), data);
  }
}
