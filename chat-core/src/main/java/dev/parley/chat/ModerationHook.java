package dev.parley.chat;

/**
 * Decides whether a client may moderate: kick, mute or ban a user from a room, or lift a mute or a
 * ban. Who is a moderator is the application's decision, made here. Without this hook every client
 * request to moderate is refused with {@link ErrorCodes#FORBIDDEN}; the server's own actions
 * ({@link ChatServer#kick}, {@link ChatServer#mute}, {@link ChatServer#ban} and their inverses) need
 * no hook. Runs on the hook executor and may block, held to {@link ChatConfig#hookTimeout()}. It
 * returns a {@link Decision}: accept or reject. A hook that throws refuses with {@link
 * ErrorCodes#INTERNAL_ERROR}.
 *
 * <p>Threading: called on the hook executor ({@link ChatServer.Builder#hookExecutor}), by default
 * never a transport's I/O thread; calls for different connections may run at the same time, so an
 * implementation must be thread-safe. Lifecycle: given once to the {@link ChatServer.Builder} and
 * held by the server for its whole life; the server never closes it.
 */
@FunctionalInterface
public interface ModerationHook {
  /**
   * Decides about a moderation request.
   *
   * @param request who asks to do what to whom, where
   * @return accept, or reject with a code and message the client receives
   * @throws Exception on failure
   */
  Decision onModerate(ModerationContext request) throws Exception;
}
