package dev.parley.chat.cluster;

/**
 * Who a room entry is not delivered to. Immutable.
 *
 * @param connectionId a connection to skip (the sender's, who gets an acknowledgement instead), or
 *     {@code null}
 * @param user a user whose connections are all skipped, or {@code null}
 */
public record Exclusion(String connectionId, String user) {
  private static final Exclusion NONE = new Exclusion(null, null);

  /** Leaves nobody out. */
  public static Exclusion none() {
    return NONE;
  }

  /** Whether a connection of a user is left out. */
  public boolean excludes(String connId, String connUser) {
    return (connectionId != null && connectionId.equals(connId)) || (user != null && user.equals(connUser));
  }
}
