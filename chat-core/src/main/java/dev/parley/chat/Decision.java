package dev.parley.chat;

import java.util.Objects;

/**
 * What a hook that can only allow or refuse decided: the {@link JoinHook}, {@link TypingHook},
 * {@link ModerationHook} and {@link ReadHook}. Create one with the static factories; inspect one with {@code instanceof}
 * ({@code if (d instanceof Decision.Reject r) ...}). {@link Accept} and {@link Reject} are also the
 * accept and refusal of {@link MessageDecision} and {@link ClearHistoryDecision}, so one check
 * serves every hook.
 *
 * <p>Threading and lifecycle: immutable values, safe to share between threads and to keep; the
 * server reads one once, on the thread the hook returned on. A hook that returns {@code null}
 * accepts.
 */
public sealed interface Decision permits Decision.Accept, Decision.Reject {

  /** Go ahead as the server would without the hook. */
  static Decision accept() {
    return Accept.INSTANCE;
  }

  /**
   * Refuse with the code {@link ErrorCodes#REJECTED}; the client receives an error carrying {@code
   * message}.
   */
  static Decision reject(String message) {
    return new Reject(ErrorCodes.REJECTED, message);
  }

  /** Refuse with an error code of the hook's choosing and a message the client receives. */
  static Decision reject(String code, String message) {
    return new Reject(code, message);
  }

  /** Go ahead; see {@link Decision#accept()}. */
  enum Accept implements Decision, MessageDecision, ClearHistoryDecision {
    /** The only instance. */
    INSTANCE
  }

  /**
   * Refuse; see {@link Decision#reject(String, String)}.
   *
   * @param code the error code sent to the client
   * @param message the human-readable reason sent to the client
   */
  record Reject(String code, String message) implements Decision, MessageDecision, ClearHistoryDecision {
    /** Checks that code and message are present. */
    public Reject {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }
  }
}
