package dev.parley.chat;

/**
 * The error codes the server uses. They appear in {@link ChatException#code()} and in the {@code code}
 * field of protocol error frames; docs/protocol.md describes when each is sent. Hooks may reject with
 * codes of their own.
 *
 * <p>Threading and lifecycle: constants only; no instances.
 */
public final class ErrorCodes {
  private ErrorCodes() {}

  /**
   * A frame that is not valid JSON, not an object, or lacks a required field; or a field is wrong,
   * including a number outside the number rule (docs/protocol.md).
   */
  public static final String BAD_REQUEST = "BAD_REQUEST";
  /** A frame whose {@code type} the server does not know. */
  public static final String UNKNOWN_TYPE = "UNKNOWN_TYPE";
  /** A binary frame sent to an endpoint that only speaks text. */
  public static final String BINARY_NOT_SUPPORTED = "BINARY_NOT_SUPPORTED";
  /** A room name that is empty, too long or has characters outside the allowed set. */
  public static final String INVALID_ROOM_NAME = "INVALID_ROOM_NAME";
  /** A username that is empty, too long or has characters outside the allowed set. */
  public static final String INVALID_USERNAME = "INVALID_USERNAME";
  /** The username is in use by another connected client. */
  public static final String USERNAME_TAKEN = "USERNAME_TAKEN";
  /** A join names a different user than the one this connection already is. */
  public static final String USERNAME_MISMATCH = "USERNAME_MISMATCH";
  /** A request about a room this connection has not joined. */
  public static final String NOT_IN_ROOM = "NOT_IN_ROOM";
  /** A private message or action addressed to a user who is not connected. */
  public static final String UNKNOWN_USER = "UNKNOWN_USER";
  /** A server action on a room that does not exist. */
  public static final String UNKNOWN_ROOM = "UNKNOWN_ROOM";
  /** A server action on a connection id that is not connected. */
  public static final String UNKNOWN_CONNECTION = "UNKNOWN_CONNECTION";
  /** The connection is in as many rooms as allowed, or this node has members in as many rooms as allowed. */
  public static final String TOO_MANY_ROOMS = "TOO_MANY_ROOMS";
  /** A message text longer than the configured maximum. */
  public static final String MESSAGE_TOO_LONG = "MESSAGE_TOO_LONG";
  /**
   * An edit or deletion of a message that the room's history does not hold (no such id in the room,
   * or the message was deleted), or of a private message id that is no message id.
   */
  public static final String UNKNOWN_MESSAGE = "UNKNOWN_MESSAGE";
  /**
   * An edit or deletion of a room message older than the newest messages the server keeps editable
   * (its cluster log: {@link ChatConfig#historySize()} or {@link ChatConfig#maxRecoveredMessages()}
   * + 1 messages, whichever is more).
   */
  public static final String MESSAGE_TOO_OLD = "MESSAGE_TOO_OLD";
  /** A message with neither text nor data. */
  public static final String EMPTY_MESSAGE = "EMPTY_MESSAGE";
  /** The connection sends requests faster than its configured rate; the request was dropped. */
  public static final String RATE_LIMITED = "RATE_LIMITED";
  /**
   * A typing notice beyond {@link ChatConfig#typingPerSecond()} for the connection: it was dropped
   * (the request rate limit, {@link #RATE_LIMITED}, counts it too). Clients may ignore this error.
   */
  public static final String TYPING_TOO_FAST = "TYPING_TOO_FAST";
  /**
   * A {@code read} beyond {@link ChatConfig#readsPerSecond()} for the connection: it was dropped (the
   * marker did not move). Clients send the newest id again later; a later read covers every earlier one.
   */
  public static final String READ_TOO_FAST = "READ_TOO_FAST";
  /** A message to a room in which a moderator muted the user; the error's message says until when. */
  public static final String MUTED = "MUTED";
  /** A join of a room from which the user is banned; the error's message says until when, or that it is permanent. */
  public static final String BANNED = "BANNED";
  /** The connection has too many requests waiting to be processed; the request was dropped. */
  public static final String OVERLOADED = "OVERLOADED";
  /** A hook refused the request without naming a code of its own. */
  public static final String REJECTED = "REJECTED";
  /** The request is not allowed, for example clearing history when no hook allows it. */
  public static final String FORBIDDEN = "FORBIDDEN";
  /**
   * A connect, join, message or clear-history hook did not decide within {@link
   * ChatConfig#hookTimeout()}: the request is refused and has no effect, whatever the hook decides
   * later. For the connect hook the connection is then closed, as for {@link #CONNECTION_REJECTED}.
   */
  public static final String HOOK_TIMEOUT = "HOOK_TIMEOUT";
  /** The connect hook refused the connection; the connection is closed after this error. */
  public static final String CONNECTION_REJECTED = "CONNECTION_REJECTED";
  /**
   * The history store could not keep the message: its write queue is full (a room message was
   * delivered but is not kept; a private message for an offline user was not sent
   * to anyone), or, with {@link AckTiming#ON_COMMIT}, it failed to commit a message already delivered.
   */
  public static final String HISTORY_UNAVAILABLE = "HISTORY_UNAVAILABLE";
  /**
   * The nodes' shared state (for example Redis) cannot be reached: the join, message, name claim or
   * query had no effect. The connection stays open, except one whose connect hook named a user that
   * could not be claimed: it is closed with 1001 next. Try again later.
   */
  public static final String CLUSTER_UNAVAILABLE = "CLUSTER_UNAVAILABLE";
  /**
   * A join, message or clear-history hook failed with an exception (other than a {@link
   * ChatException}, whose code is sent instead); the request had no effect. Also sent when handling
   * a request fails unexpectedly (a bug, or a message hook's rewrite with data that is not
   * JSON-compatible), which is logged at ERROR as {@code request failed}.
   */
  public static final String INTERNAL_ERROR = "INTERNAL_ERROR";
  /**
   * The chat server is closed ({@link ChatServer#close()}): an action or query called after the
   * close began, a request from a connection the transport has not closed yet, or a new connection,
   * which is refused with this error and then closed with {@link
   * dev.parley.chat.spi.CloseCodes#GOING_AWAY}. Nothing was done; another server (a restarted one,
   * another node) may take the request.
   */
  public static final String SERVER_CLOSED = "SERVER_CLOSED";
}
