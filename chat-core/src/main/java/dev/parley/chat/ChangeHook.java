package dev.parley.chat;

/**
 * Decides whether a client may edit or delete a message: who may, not what the text becomes. Without
 * this hook a user may change only the messages they sent ({@link ChangeContext#ownMessage()}), and
 * any other request is refused with {@link ErrorCodes#FORBIDDEN}. With it, the hook decides every
 * request: {@link Decision#accept()} (or {@code null}) allows it, <em>also for another user's
 * message</em> (so a hook lets moderators act on everyone's messages, and must check {@code
 * ownMessage()} for everybody else); {@link Decision#reject} refuses it. What an edit's text becomes
 * is the {@link MessageHook}'s decision: the new text passes it as a message would (its rewrite,
 * refusal or {@code handled()} apply to the edit), so a filter there cannot be bypassed by editing.
 * The server's own actions ({@link ChatServer#editMessage}, {@link ChatServer#deleteMessage}) need no
 * hook.
 *
 * <p>Runs on the hook executor and may block, held to {@link ChatConfig#hookTimeout()}. A hook that
 * throws refuses with {@link ErrorCodes#INTERNAL_ERROR} (a {@link ChatException} with its own code).
 */
@FunctionalInterface
public interface ChangeHook {
  /**
   * Decides about an edit or a deletion.
   *
   * @param change who asks to change which message, and how
   * @return accept, or reject with a code and message the client receives
   * @throws Exception on failure
   */
  Decision onChange(ChangeContext change) throws Exception;
}
