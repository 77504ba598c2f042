package dev.parley.chat.internal;

import dev.parley.chat.spi.Broker;
import dev.parley.chat.spi.LocalDelivery;
import dev.parley.chat.spi.ServerEvent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The default {@link Broker}: this process is the only node, so publishing is local delivery. */
final class InProcessBroker implements Broker {
  private LocalDelivery local;

  @Override
  public void bind(LocalDelivery local) {
    this.local = local;
  }

  @Override
  public CompletionStage<Integer> publishToRoom(String room, ServerEvent event, Exclusion except) {
    return CompletableFuture.completedFuture(local.deliverToRoom(room, event, except));
  }

  @Override
  public CompletionStage<Integer> publishToUser(String user, ServerEvent event) {
    return CompletableFuture.completedFuture(local.deliverToUser(user, event));
  }
}
