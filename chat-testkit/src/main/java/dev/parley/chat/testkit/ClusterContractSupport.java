package dev.parley.chat.testkit;

import static dev.parley.chat.testkit.ClusterEngineContract.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.MessageKind;
import dev.parley.chat.cluster.MessageIds;
import dev.parley.chat.cluster.RoomEntry;
import dev.parley.chat.spi.ServerEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/** What {@link ClusterEngineContract}'s tests make and check with, apart from the nodes. Stateless. */
final class ClusterContractSupport {
  private ClusterContractSupport() {}

  static ChatMessage draft(String room, String text) {
    return ChatMessage.builder("draft", Instant.EPOCH, MessageKind.ROOM, text).room(room).sender("alice").build();
  }

  static ServerEvent privateMessage(String to, String text) {
    ChatMessage message = ChatMessage.builder("0000000000001", Instant.EPOCH, MessageKind.PRIVATE, text)
        .sender("carol")
        .recipient(to)
        .build();
    return new ServerEvent.Message(message);
  }

  static ChatMessage message(ServerEvent event) {
    if (event instanceof ServerEvent.Message m) {
      return m.message();
    }
    throw new AssertionError("not a message: " + event);
  }

  static int indexOfClear(List<RoomEntry> entries) {
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).event() instanceof ServerEvent.HistoryCleared) {
        return i;
      }
    }
    throw new AssertionError("no HistoryCleared among " + entries);
  }

  static List<String> texts(List<ChatMessage> messages) {
    return messages.stream().map(ChatMessage::text).toList();
  }

  static void assertIdsIncrease(List<ChatMessage> messages) {
    List<String> ids = messages.stream().map(ChatMessage::id).toList();
    List<String> sorted = ids.stream().sorted(Comparator.comparingLong(MessageIds::parse)).toList();
    assertEquals(sorted, ids, "ids increase in the room's order");
  }

  /** Runs {@code count} tasks at once, one per thread, and returns their results in task order. */
  static <T> List<T> inParallel(int count, IntFunction<Callable<T>> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(count);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        futures.add(pool.submit(task.apply(i)));
      }
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The value of a stage of the engine; fails the test if it failed or took longer than the timeout. */
  static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("the engine failed", e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  /** Polls a condition that no callback announces (the engine's shared state) until it holds. */
  static void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not within " + TIMEOUT + ": " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }
}
