package dev.parley.chat.internal;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.MessageKind;
import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.cluster.MessageIds;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Messages before the engine gives them their final id. A draft carries a provisional id of the
 * current millisecond (what a message hook sees); a room message gets its final id when the engine
 * orders it, any other message from {@link ClusterEngine#nextId}. Thread-safe.
 */
final class Drafts {
  private final Clock clock;
  private final ClusterEngine engine;

  Drafts(Clock clock, ClusterEngine engine) {
    this.clock = clock;
    this.engine = engine;
  }

  ChatMessage draft(MessageKind kind, String room, String sender, String recipient, String text, Map<String, ?> data) {
    long now = clock.millis();
    return ChatMessage.builder(MessageIds.format(MessageIds.next(0, now)), Instant.ofEpochMilli(now), kind, text)
        .room(room)
        .sender(sender)
        .recipient(recipient)
        .data(data)
        .build();
  }

  /** The server's clock now. */
  Instant now() {
    return clock.instant();
  }

  ChatMessage notice(String room, String text) {
    return draft(MessageKind.NOTICE, room, null, null, text, Map.of());
  }

  /** The message with a fresh id from the engine, for a message that is in no room's order. */
  CompletionStage<ChatMessage> finish(ChatMessage draft) {
    return engine.nextId().thenApply(id ->
        draft.toBuilder().id(id).time(MessageIds.time(MessageIds.parse(id))).build());
  }

  /** The time a message id a client sent was made at, or -1 if the text is no message id. */
  static long idMillis(String id) {
    long value = MessageIds.parse(id);
    return value < 0 ? -1 : MessageIds.time(value).toEpochMilli();
  }
}
