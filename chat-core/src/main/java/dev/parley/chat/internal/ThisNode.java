package dev.parley.chat.internal;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.MessageKind;

import dev.parley.chat.cluster.LocalNode;
import dev.parley.chat.cluster.RoomEntry;
import dev.parley.chat.cluster.RoomSnapshot;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.spi.CloseCodes;
import dev.parley.chat.spi.ServerEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's connections as the engine reaches them: rooms through the registry, users through
 * identities, relays through the transports' links.
 */
final class ThisNode implements LocalNode {
  private static final Logger log = LoggerFactory.getLogger(dev.parley.chat.ChatServer.class);

  private final RoomRegistry rooms;
  private final Identities identities;
  private final TransportLinks links;
  private final ChatMetrics metrics;
  private final ClusterRepair repair;
  private final Receipts receipts;

  ThisNode(RoomRegistry rooms, Identities identities, TransportLinks links, ChatMetrics metrics, ClusterRepair repair,
      Receipts receipts) {
    this.receipts = receipts;
    this.metrics = metrics;
    this.repair = repair;
    this.rooms = rooms;
    this.identities = identities;
    this.links = links;
  }

  @Override
  public int onRoomEntry(String room, RoomEntry entry) {
    int queued = rooms.onRoomEntry(room, entry);
    counted(entry.event(), queued);
    return queued;
  }

  /** Every fan-out to this node's connections passes here, once: counted per fan-out, not per recipient. */
  private void counted(ServerEvent event, int queued) {
    if (event instanceof ServerEvent.Message m) {
      metrics.delivered(m.message().kind(), queued);
    } else if (event instanceof ServerEvent.Presence p && p.notice() != null) {
      // A live-only notice rides with its presence entry, to the same members.
      metrics.delivered(MessageKind.NOTICE, queued);
    }
  }

  @Override
  public ChatMetrics metrics() {
    return metrics;
  }

  @Override
  public void onRoomReset(String room, RoomSnapshot snapshot) {
    rooms.onRoomReset(room, snapshot);
  }

  @Override
  public ServerEvent.Presence departure(String room, String user) {
    return rooms.departure(room, user);
  }

  @Override
  public void onDeparted(String room, String user) {
    rooms.departed(room, user);
  }

  @Override
  public int toUser(String user, ServerEvent event) {
    int queued;
    if (Receipts.wantsDelivered(event)) {
      ChatMessage message = ((ServerEvent.Message) event).message();
      queued = identities.toUser(user, event, session -> receipts.delivered(session, message));
    } else {
      queued = identities.toUser(user, event);
    }
    counted(event, queued);
    return queued;
  }

  @Override
  public boolean toConnection(String connectionId, ServerEvent event) {
    boolean queued = identities.toConnection(connectionId, event);
    counted(event, queued ? 1 : 0);
    return queued;
  }

  @Override
  public int disconnect(String user, String reason) {
    return identities.disconnect(user, reason);
  }

  @Override
  public void onRelay(byte[] payload) {
    links.onRelay(payload);
  }

  @Override
  public void onRelaysMissed() {
    links.onMissed();
  }

  @Override
  public void onEvicted() {
    log.warn("this node was evicted from the cluster; closing its connections");
    repair.forget();
    identities.closeAll(CloseCodes.GOING_AWAY, "This server left the chat cluster; reconnect");
  }
}
