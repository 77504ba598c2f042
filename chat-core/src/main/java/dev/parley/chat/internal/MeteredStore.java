package dev.parley.chat.internal;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.history.Retention;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.monitoring.ChatMetrics.StoreOperation;
import dev.parley.chat.monitoring.Health;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The server's history store, timed for {@link ChatMetrics}: appends and removals until durable,
 * reads until they return. Only put in place when the server has a listener other than {@link
 * ChatMetrics#NONE}, so that a server without metrics calls its store directly. It overrides every
 * method of {@link HistoryStore}, so that none of the interface's defaults stands in for the store's
 * own (MeteredStoreTest checks). Thread-safe.
 */
final class MeteredStore implements HistoryStore {
  private final HistoryStore store;
  private final ChatMetrics metrics;

  MeteredStore(HistoryStore store, ChatMetrics metrics) {
    this.store = store;
    this.metrics = metrics;
  }

  @Override
  public Retention retention() {
    return store.retention();
  }

  @Override
  public boolean persistent() {
    return store.persistent();
  }

  @Override
  public CompletionStage<Void> append(String stream, ChatMessage message) {
    return timed(StoreOperation.APPEND, System.nanoTime(), store.append(stream, message));
  }

  @Override
  public List<ChatMessage> before(String stream, String beforeId, int limit) {
    return read(() -> store.before(stream, beforeId, limit));
  }

  @Override
  public List<ChatMessage> after(String stream, String afterId, int limit) {
    return read(() -> store.after(stream, afterId, limit));
  }

  private <T> T read(Supplier<T> read) {
    long start = System.nanoTime();
    boolean failed = true;
    try {
      T page = read.get();
      failed = false;
      return page;
    } finally {
      metrics.storeCompleted(StoreOperation.READ, System.nanoTime() - start, failed);
    }
  }

  /** Timed as an append: a change is a write of one message. */
  @Override
  public CompletionStage<Void> change(String stream, ChatMessage version) {
    return timed(StoreOperation.APPEND, System.nanoTime(), store.change(stream, version));
  }

  @Override
  public CompletionStage<Void> remove(String stream, String throughId) {
    return timed(StoreOperation.REMOVE, System.nanoTime(), store.remove(stream, throughId));
  }

  @Override
  public CompletionStage<Void> clear(String stream, String throughId) {
    return timed(StoreOperation.REMOVE, System.nanoTime(), store.clear(stream, throughId));
  }

  // Bans and mutes are rare and not timed, but must reach the store: the defaults keep none.
  @Override
  public CompletionStage<Void> restrict(dev.parley.chat.history.Restriction restriction) {
    return store.restrict(restriction);
  }

  @Override
  public CompletionStage<Void> lift(dev.parley.chat.history.Restriction.Kind kind, String room, String user) {
    return store.lift(kind, room, user);
  }

  @Override
  public List<dev.parley.chat.history.Restriction> restrictions(String room) {
    return store.restrictions(room);
  }

  @Override
  public void useServerClock(Clock clock) {
    store.useServerClock(clock);
  }

  // Read markers are timed as appends and reads are.
  @Override
  public CompletionStage<Void> markRead(String stream, String user, String throughId) {
    return timed(StoreOperation.APPEND, System.nanoTime(), store.markRead(stream, user, throughId));
  }

  @Override
  public java.util.Optional<String> readMarker(String stream, String user) {
    return read(() -> store.readMarker(stream, user));
  }

  @Override
  public int unread(String stream, String user, String afterId, int cap) {
    return read(() -> store.unread(stream, user, afterId, cap));
  }

  /** The same stage (callers may test it for completion), reported when it completes. */
  private CompletionStage<Void> timed(StoreOperation operation, long start, CompletionStage<Void> stage) {
    stage.whenComplete((done, failure) -> metrics.storeCompleted(operation, System.nanoTime() - start, failure != null));
    return stage;
  }

  @Override
  public Health health() {
    return store.health();
  }

  @Override
  public void close() {
    store.close();
  }
}
