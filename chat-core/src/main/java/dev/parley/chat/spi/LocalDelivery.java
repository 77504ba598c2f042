package dev.parley.chat.spi;

/**
 * Delivery to the connections of this node, given to a {@link Broker} by the server. Never blocks.
 */
public interface LocalDelivery {

  /**
   * Queues an event to this node's members of a room.
   *
   * @return the number of connections it was queued to
   */
  int deliverToRoom(String room, ServerEvent event, Broker.Exclusion except);

  /**
   * Queues an event to this node's connections of a user.
   *
   * @return the number of connections it was queued to
   */
  int deliverToUser(String user, ServerEvent event);
}
