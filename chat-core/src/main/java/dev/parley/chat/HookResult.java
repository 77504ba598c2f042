package dev.parley.chat;

import java.util.Map;
import java.util.Objects;

/**
 * What a hook decided about a request: go ahead, go ahead with changed content, refuse, or stop
 * because the hook handled it itself. Create one with the static factories.
 *
 * <p>On Java 17 inspect a result with {@code instanceof}: {@code if (r instanceof HookResult.Reject
 * reject) ...}.
 *
 * <p>Threading and lifecycle: records, read by the server once, on the thread the hook returned on;
 * the {@code data} map of a {@link Rewrite} is copied when the message is built, so the hook must not
 * change it before returning, but may after.
 */
public sealed interface HookResult
    permits HookResult.Accept, HookResult.Rewrite, HookResult.Reject, HookResult.Handled {

  /** Go ahead as the server would without the hook. */
  static HookResult accept() {
    return Accept.INSTANCE;
  }

  /**
   * Go ahead with this text instead of the client's (message hooks only; other hooks treat it as
   * {@link #accept()}). Structured data is left as it was.
   */
  static HookResult rewrite(String text) {
    return new Rewrite(text, null);
  }

  /** Go ahead with this text and structured data instead of the client's (message hooks only). */
  static HookResult rewrite(String text, Map<String, ?> data) {
    return new Rewrite(text, data == null ? Map.of() : data);
  }

  /**
   * Refuse with the code {@link ErrorCodes#REJECTED}; the client receives an error carrying {@code
   * message}.
   */
  static HookResult reject(String message) {
    return new Reject(ErrorCodes.REJECTED, message);
  }

  /** Refuse with an error code of the hook's choosing and a message the client receives. */
  static HookResult reject(String code, String message) {
    return new Reject(code, message);
  }

  /**
   * The hook has dealt with the request itself (for example it answered a command with {@link
   * MessageContext#reply(String)}): the server delivers nothing and reports success to the client.
   */
  static HookResult handled() {
    return Handled.INSTANCE;
  }

  /** See {@link HookResult#accept()}. */
  enum Accept implements HookResult {
    /** The only instance. */
    INSTANCE
  }

  /** See {@link HookResult#handled()}. */
  enum Handled implements HookResult {
    /** The only instance. */
    INSTANCE
  }

  /**
   * See {@link HookResult#rewrite(String, Map)}.
   *
   * @param text the new text
   * @param data the new data, or {@code null} to keep the client's
   */
  record Rewrite(String text, Map<String, ?> data) implements HookResult {
    /** Checks that the text is present. */
    public Rewrite {
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * See {@link HookResult#reject(String, String)}.
   *
   * @param code the error code sent to the client
   * @param message the human-readable reason sent to the client
   */
  record Reject(String code, String message) implements HookResult {
    /** Checks that code and message are present. */
    public Reject {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }
  }
}
