package dev.parley.chat;

import java.util.Map;
import java.util.Objects;

/**
 * What the {@link MessageHook} decided about a message: deliver it, deliver it with changed
 * content, refuse it, or deliver nothing because the hook dealt with it itself. Create one with the
 * static factories; inspect one with {@code instanceof}: {@link Decision.Accept}, {@link
 * Decision.Reject}, {@link Rewrite} or {@link Handled}.
 *
 * <p>Threading and lifecycle: immutable values, safe to share between threads; the server reads
 * one once, on the thread the hook returned on. The {@code data} map of a {@link Rewrite} is copied
 * when the message is built, so the hook must not change it before returning, but may after. A
 * hook that returns {@code null} accepts.
 */
public sealed interface MessageDecision
    permits Decision.Accept, Decision.Reject, MessageDecision.Rewrite, MessageDecision.Handled {

  /** Deliver the message as the client sent it. */
  static MessageDecision accept() {
    return Decision.Accept.INSTANCE;
  }

  /** Deliver it with this text instead of the client's; structured data is left as it was. */
  static MessageDecision rewrite(String text) {
    return new Rewrite(text, null);
  }

  /** Deliver it with this text and structured data instead of the client's. */
  static MessageDecision rewrite(String text, Map<String, ?> data) {
    return new Rewrite(text, data == null ? Map.of() : data);
  }

  /** Refuse with the code {@link ErrorCodes#REJECTED} and a message the client receives. */
  static MessageDecision reject(String message) {
    return new Decision.Reject(ErrorCodes.REJECTED, message);
  }

  /** Refuse with an error code of the hook's choosing and a message the client receives. */
  static MessageDecision reject(String code, String message) {
    return new Decision.Reject(code, message);
  }

  /**
   * The hook has dealt with the message itself (for example it answered a command with {@link
   * MessageContext#reply(String)}): the server delivers nothing and reports success to the client.
   */
  static MessageDecision handled() {
    return Handled.INSTANCE;
  }

  /**
   * Deliver changed content; see {@link MessageDecision#rewrite(String, Map)}.
   *
   * @param text the new text
   * @param data the new data, or {@code null} to keep the client's
   */
  record Rewrite(String text, Map<String, ?> data) implements MessageDecision {
    /** Checks that the text is present. */
    public Rewrite {
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * The hook dealt with the request itself; see {@link MessageDecision#handled()} and {@link
   * ClearHistoryDecision#handled()}.
   */
  enum Handled implements MessageDecision, ClearHistoryDecision {
    /** The only instance. */
    INSTANCE
  }
}
