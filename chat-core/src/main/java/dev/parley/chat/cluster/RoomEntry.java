package dev.parley.chat.cluster;

import dev.parley.chat.spi.ServerEvent;
import java.util.Objects;

/**
 * One entry of a room's order, as a {@link ClusterEngine} delivers it. Immutable.
 *
 * @param event a {@link ServerEvent.Message}, {@link ServerEvent.Presence} or {@link
 *     ServerEvent.HistoryCleared}
 * @param except who of the room's members it is not delivered to
 */
public record RoomEntry(ServerEvent event, Exclusion except) {
  public RoomEntry {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(except, "except");
  }
}
