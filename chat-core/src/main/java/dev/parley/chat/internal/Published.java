package dev.parley.chat.internal;

import dev.parley.chat.ChatMessage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A message on its way, with its final id: how many of this node's connections it was queued to, and
 * when the history store made it durable (at once for what no store keeps). Immutable.
 *
 * @param message the message as delivered
 * @param recipients the connections of this node it was queued to
 * @param durable completes when the message is durable; already failed if the store refused it
 */
record Published(ChatMessage message, int recipients, CompletionStage<Void> durable) {
  /** The durability of what no store has to keep: a live private message. */
  static final CompletionStage<Void> NOTHING_TO_KEEP = CompletableFuture.completedFuture(null);

  /** Whether the store refused the message outright (its queue is full): it was delivered, not kept. */
  boolean refused() {
    return durable.toCompletableFuture().isCompletedExceptionally();
  }
}
