package dev.parley.chat.spi;

/**
 * Close codes used when the server ends a connection. The 1000–1015 codes are RFC 6455's; 4000–4499
 * tell a client it may reconnect, 4500–4999 that it should not.
 *
 * <p>Threading and lifecycle: constants only; no instances.
 */
public final class CloseCodes {
  private CloseCodes() {}

  /** Normal closure. */
  public static final int NORMAL = 1000;
  /** The server is shutting down. */
  public static final int GOING_AWAY = 1001;
  /** The client broke the WebSocket protocol. */
  public static final int PROTOCOL_ERROR = 1002;
  /** A text frame was not valid UTF-8. */
  public static final int INVALID_PAYLOAD = 1007;
  /** The connect hook refused the connection. (A foreign origin is refused before the upgrade, with HTTP 403.) */
  public static final int POLICY_VIOLATION = 1008;
  /** A frame or message larger than the configured maximum. */
  public static final int MESSAGE_TOO_BIG = 1009;
  /** The server failed unexpectedly. */
  public static final int INTERNAL_ERROR = 1011;
  /**
   * The client did not read fast enough; its outbound queue passed the limit. The close frame is
   * queued behind what the socket already holds, so a client that is stuck entirely sees the TCP
   * connection dropped (1006) instead. May reconnect.
   */
  public static final int SLOW_CONSUMER = 4000;
  /** The client did not answer pings in time. May reconnect. */
  public static final int IDLE_TIMEOUT = 4001;
  /** Server code disconnected this user ({@code ChatServer.disconnect}). Should not reconnect. */
  public static final int DISCONNECTED_BY_SERVER = 4500;
}
