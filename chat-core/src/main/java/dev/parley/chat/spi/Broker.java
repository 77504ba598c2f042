package dev.parley.chat.spi;

import java.util.concurrent.CompletionStage;

/**
 * How the server fans messages out to the members of a room and the connections of a user. All
 * fan-out goes through this interface, so that a multi-node implementation (publishing to the other
 * nodes, each delivering to its own connections through {@link LocalDelivery}) can replace the
 * in-process default without changing the public API. Presence (who is online, which rooms exist)
 * is still answered from this node's state; a multi-node deployment needs that shared as well.
 *
 * <p>The server calls {@link #publishToRoom} while holding the room's lock, in the room's history
 * order; an implementation must preserve that order per room and must not block.
 */
public interface Broker {

  /**
   * Called once, when the server is built, with the server's local delivery.
   *
   * @param local delivers to this node's connections
   */
  void bind(LocalDelivery local);

  /**
   * Delivers an event to the members of a room.
   *
   * @param room the room
   * @param event the event; the same instance goes to every recipient
   * @param except who to leave out
   * @return the number of connections it was queued to
   */
  CompletionStage<Integer> publishToRoom(String room, ServerEvent event, Exclusion except);

  /**
   * Delivers an event to every connection of a user.
   *
   * @param user the user
   * @param event the event
   * @return the number of connections it was queued to
   */
  CompletionStage<Integer> publishToUser(String user, ServerEvent event);

  /**
   * Who a room delivery leaves out.
   *
   * @param connectionId a connection to skip, or {@code null}
   * @param user a user whose connections are all skipped, or {@code null}
   */
  record Exclusion(String connectionId, String user) {
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
}
