package dev.parley.chat.cluster;

import dev.parley.chat.ChatMessage;
import java.util.List;

/**
 * A room's log at one point of its order, as {@link ClusterEngine#follow} and {@link
 * LocalNode#onRoomReset} give it. Immutable.
 *
 * @param recent the newest messages, oldest first, at most as many as asked for
 * @param lastId the id of the newest message the room ever had, or {@code null} if none; it may be
 *     newer than {@code recent}'s last (history cleared, or none asked for)
 */
public record RoomSnapshot(List<ChatMessage> recent, String lastId) {
  public RoomSnapshot {
    recent = List.copyOf(recent);
  }
}
