package dev.parley.chat;

/**
 * A request or action that the server refused, with a stable machine-readable {@link #code() code}
 * (one of {@link ErrorCodes}, or a code chosen by a hook) and a human-readable message.
 *
 * <p>Threading and lifecycle: immutable once made (code and message are fixed); safe to pass
 * between threads, as the failure of a {@link java.util.concurrent.CompletionStage} often is.
 */
public final class ChatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;

  /**
   * Creates an exception.
   *
   * @param code the error code, for example {@link ErrorCodes#UNKNOWN_USER}
   * @param message a sentence a person can read
   */
  public ChatException(String code, String message) {
    super(message);
    this.code = code;
  }

  /** Returns the error code, for example {@link ErrorCodes#UNKNOWN_USER}. */
  public String code() {
    return code;
  }
}
