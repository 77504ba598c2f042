package dev.parley.chat;

/**
 * Decides whether a client may edit or delete a message. Without this hook a user may change only
 * the messages they sent ({@link ChangeContext#ownMessage()}), and any other request is refused with
 * {@link ErrorCodes#FORBIDDEN}. With it, the hook decides every request: {@link HookResult#accept()}
 * allows it, <em>also for another user's message</em> (so a hook lets moderators act on everyone's
 * messages, and must check {@code ownMessage()} for everybody else); {@link HookResult#reject} refuses
 * it; {@link HookResult#rewrite} allows an edit with the hook's text (and data) instead; {@link
 * HookResult#handled()} changes nothing and reports success to the client (its answer carries no
 * message). The new text of an edit then also passes the {@link MessageHook}, as a message would.
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
   * @return accept, rewrite (edits), reject with a code and message the client receives, or handled
   * @throws Exception on failure
   */
  HookResult onChange(ChangeContext change) throws Exception;
}
