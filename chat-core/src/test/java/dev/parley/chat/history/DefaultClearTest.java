package dev.parley.chat.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** A store that does not implement {@code clear} gets the documented fallback: {@code remove}, no floor. */
class DefaultClearTest {
  /** Records the removals it is asked for; nothing else. */
  private static final class RemovalsOnly implements HistoryStore {
    final List<String> removals = new ArrayList<>();

    @Override
    public Retention retention() {
      return Retention.messages(10);
    }

    @Override
    public CompletionStage<Void> append(String stream, ChatMessage message) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public List<ChatMessage> before(String stream, String beforeId, int limit) {
      return List.of();
    }

    @Override
    public List<ChatMessage> after(String stream, String afterId, int limit) {
      return List.of();
    }

    @Override
    public CompletionStage<Void> remove(String stream, String throughId) {
      removals.add(stream + " through " + throughId);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {}
  }

  @Test
  void clearThroughAnIdRemovesThroughIt() {
    RemovalsOnly store = new RemovalsOnly();

    assertThat(store.clear("lobby", "0000000000007").toCompletableFuture()).isCompleted();

    assertThat(store.removals).containsExactly("lobby through 0000000000007");
  }

  @Test
  void clearThroughNoIdRemovesNothing_notTheWholeStreamAsRemoveWould() {
    RemovalsOnly store = new RemovalsOnly();

    assertThat(store.clear("lobby", null).toCompletableFuture()).isCompleted();

    assertThat(store.removals).isEmpty();
  }
}
