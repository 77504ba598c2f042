package dev.parley.chat.internal;

import dev.parley.chat.AckTiming;
import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatException;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.Delivery;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.MessageKind;
import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.cluster.Exclusion;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.spi.ServerEvent;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * What server code does through {@link dev.parley.chat.ChatServer}'s actions. Nothing here waits:
 * each action chains the engine's stages; with the in-process engine the returned stage is already
 * complete (unless it waits for the store, with {@link AckTiming#ON_COMMIT}). Failures of the engine
 * fail the stage with {@code CLUSTER_UNAVAILABLE}. Thread-safe; one per server.
 */
final class ServerActions {
  private final ChatConfig config;
  private final ClusterEngine engine;
  private final Identities identities;
  private final RoomRegistry registry;
  private final OfflineInbox inbox;
  private final Requests requests;
  private final Drafts drafts;

  private final ChatMetrics metrics;

  ServerActions(ChatConfig config, ClusterEngine engine, Identities identities, RoomRegistry registry,
      OfflineInbox inbox, Requests requests, Drafts drafts, ChatMetrics metrics) {
    this.metrics = metrics;
    this.config = config;
    this.engine = engine;
    this.identities = identities;
    this.registry = registry;
    this.inbox = inbox;
    this.requests = requests;
    this.drafts = drafts;
  }

  CompletionStage<Delivery> distributeMsg(String room, String sender, String text, Map<String, ?> data) {
    return toRoom(room, () -> drafts.draft(MessageKind.ROOM, room, sender, null, text, data), new Exclusion(null, sender));
  }

  CompletionStage<Delivery> broadcast(String room, String text) {
    return toRoom(room, () -> drafts.draft(MessageKind.NOTICE, room, null, null, text, Map.of()), Exclusion.none());
  }

  /** The room is checked first: an unknown one fails with {@code UNKNOWN_ROOM} whatever the content. */
  private CompletionStage<Delivery> toRoom(String room, Supplier<ChatMessage> draft, Exclusion except) {
    return Stages.forAction(registry.exists(room)
        .thenCompose(exists -> exists ? registry.publish(room, draft.get(), except) : Stages.failed(unknownRoom(room)))
        .thenCompose(this::delivery));
  }

  /** What a send action completes with: once queued, or also durable, as configured. */
  private CompletionStage<Delivery> delivery(Published published) {
    if (published.refused()) {
      return Stages.failed(new ChatException(
          ErrorCodes.HISTORY_UNAVAILABLE, "The message was sent but the server could not keep it"));
    }
    Delivery delivery = new Delivery(published.message(), published.recipients());
    if (config.ackTiming() == AckTiming.ON_COMMIT) {
      return published.durable().thenApply(durable -> delivery);
    }
    return CompletableFuture.completedFuture(delivery);
  }

  /** The user is checked first: an unknown one fails with {@code UNKNOWN_USER} whatever the content. */
  CompletionStage<Delivery> sendPrivate(String from, String to, String text, Map<String, ?> data) {
    if (to == null) {
      return Stages.failed(new NullPointerException("to"));
    }
    return Stages.forAction(requests.mayReceive(to)
        .thenCompose(online -> online
            ? drafts.finish(drafts.draft(MessageKind.PRIVATE, null, from, to, text, data))
            : Stages.failed(Requests.unknownUser(to)))
        .thenCompose(inbox::deliver)
        .thenCompose(this::delivery));
  }

  CompletionStage<Delivery> sendSystem(String connectionId, String text) {
    ChatMessage draft;
    try {
      draft = drafts.draft(MessageKind.NOTICE, null, null, null, text, Map.of());
    } catch (NullPointerException e) {
      return Stages.failed(e);
    }
    return Stages.forAction(drafts.finish(draft).thenCompose(message -> {
      ServerEvent event = new ServerEvent.Message(message);
      Session local = identities.session(connectionId);
      if (local != null) {
        int queued = local.connection.send(event) ? 1 : 0;
        metrics.delivered(MessageKind.NOTICE, queued); // past the engine, so not counted by ThisNode
        return CompletableFuture.completedFuture(new Delivery(message, queued));
      }
      return engine.toConnection(connectionId, event).thenApply(queued -> {
        if (!queued) {
          throw new ChatException(ErrorCodes.UNKNOWN_CONNECTION, "No connection " + connectionId);
        }
        return new Delivery(message, 1);
      });
    }));
  }

  CompletionStage<Integer> disconnect(String user, String reason) {
    return Stages.forAction(engine.disconnect(user, reason).thenApply(closed -> {
      if (closed == 0) {
        throw Requests.unknownUser(user);
      }
      return closed;
    }));
  }

  CompletionStage<Void> clearHistory(String room) {
    return Stages.forAction(registry.exists(room)
        .thenCompose(exists -> exists ? registry.clear(room, null) : Stages.failed(unknownRoom(room))));
  }

  private static ChatException unknownRoom(String room) {
    return new ChatException(ErrorCodes.UNKNOWN_ROOM, "No room named " + room);
  }
}
