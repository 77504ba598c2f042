package dev.parley.chat.store.jdbc.internal;

import dev.parley.chat.ChatMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What was queued and is not committed yet, in order. Operations stay here until the writer has
 * committed them, so that a read that looks here first and then at the database misses nothing:
 * whatever left this queue was committed before it left.
 */
final class Pending {
  /** One queued write. */
  sealed interface Op permits Append, Change, Remove, Clear {
    String stream();

    CompletableFuture<Void> done();
  }

  record Append(String stream, ChatMessage message, CompletableFuture<Void> done) implements Op {}

  /** A message's new version, written over the kept one unless that one is newer. */
  record Change(String stream, ChatMessage version, CompletableFuture<Void> done) implements Op {}

  /** {@code throughId == null} removes the whole stream. */
  record Remove(String stream, String throughId, CompletableFuture<Void> done) implements Op {}

  /** A removal through {@code throughId} that also raises the stream's floor there. */
  record Clear(String stream, String throughId, CompletableFuture<Void> done) implements Op {}

  /**
   * What a read of one stream must combine with the database: the queued appends that no queued
   * removal took back, and how much of what is stored the queued removals take away.
   *
   * @param appends queued messages, in queue order, without those a queued removal took back or a
   *     queued clear's floor will drop
   * @param removedAll a queued removal empties the stream
   * @param removedThrough stored ids up to this one are removed; {@code null} for none
   * @param changes queued new versions of messages, in queue order, without those a queued removal
   *     took back
   */
  record View(List<ChatMessage> appends, boolean removedAll, String removedThrough, List<ChatMessage> changes) {}

  enum Offered { QUEUED, FULL, CLOSED }

  private final int capacity;
  private final ArrayDeque<Op> queue = new ArrayDeque<>();
  private final Map<String, ArrayDeque<Op>> byStream = new HashMap<>();
  private int appends;
  private boolean closed;

  Pending(int capacity) {
    this.capacity = capacity;
  }

  /**
   * Queues an operation. Only appends count against the capacity: removals are rare (a clear, an
   * inbox delivered) and refusing one would bring back messages the server already let go of.
   */
  synchronized Offered offer(Op op) {
    if (closed) {
      return Offered.CLOSED;
    }
    boolean append = counted(op);
    if (append && appends >= capacity) {
      return Offered.FULL;
    }
    if (append) {
      appends++;
    }
    queue.addLast(op);
    byStream.computeIfAbsent(op.stream(), s -> new ArrayDeque<>()).addLast(op);
    notifyAll();
    return Offered.QUEUED;
  }

  /** Appends and changes, which clients make, count against the capacity. */
  private static boolean counted(Op op) {
    return op instanceof Append || op instanceof Change;
  }

  synchronized View view(String stream) {
    ArrayDeque<Op> ops = byStream.get(stream);
    if (ops == null) {
      return new View(List.of(), false, null, List.of());
    }
    List<ChatMessage> kept = new ArrayList<>();
    List<ChatMessage> changes = new ArrayList<>();
    boolean all = false;
    String through = null;
    String floor = null;
    for (Op op : ops) {
      String removedThrough = null;
      if (op instanceof Append a) {
        kept.add(a.message());
      } else if (op instanceof Change ch) {
        changes.add(ch.version());
      } else if (op instanceof Remove r) {
        if (r.throughId() == null) {
          all = true;
          kept.clear();
          changes.clear();
        } else {
          removedThrough = r.throughId();
        }
      } else if (op instanceof Clear c) {
        removedThrough = c.throughId();
        floor = max(floor, c.throughId());
      }
      if (removedThrough != null) {
        String id = removedThrough;
        kept.removeIf(m -> m.id().compareTo(id) <= 0);
        changes.removeIf(m -> m.id().compareTo(id) <= 0);
        through = max(through, id);
      }
    }
    if (floor != null) {
      // The writer drops appends below a floor even when they were queued after the clear.
      String f = floor;
      kept.removeIf(m -> m.id().compareTo(f) <= 0);
      changes.removeIf(m -> m.id().compareTo(f) <= 0);
    }
    return new View(kept, all, through, changes);
  }

  private static String max(String a, String b) {
    return a == null || a.compareTo(b) < 0 ? b : a;
  }

  /**
   * The next operations to write, oldest first, without removing them. Waits until there is one,
   * the queue is closed, or {@code wakeAtNanos}; then, if {@code lingerNanos > 0}, up to that much
   * longer for a full batch.
   *
   * @return up to {@code max} operations; empty if woken with none; {@code null} once closed and
   *     empty
   */
  synchronized List<Op> next(int max, long lingerNanos, long wakeAtNanos) throws InterruptedException {
    while (queue.isEmpty() && !closed) {
      long left = wakeAtNanos - System.nanoTime();
      if (left <= 0) {
        return List.of();
      }
      waitNanos(left);
    }
    if (queue.isEmpty()) {
      return null;
    }
    if (lingerNanos > 0) {
      long until = System.nanoTime() + lingerNanos;
      long left;
      while (queue.size() < max && !closed && (left = until - System.nanoTime()) > 0) {
        waitNanos(left);
      }
    }
    List<Op> batch = new ArrayList<>(Math.min(max, queue.size()));
    Iterator<Op> it = queue.iterator();
    while (it.hasNext() && batch.size() < max) {
      batch.add(it.next());
    }
    return batch;
  }

  private void waitNanos(long nanos) throws InterruptedException {
    wait(nanos / 1_000_000, (int) (nanos % 1_000_000));
  }

  /** Takes the operations {@link #next} returned off the queue: they are committed, or given up. */
  synchronized void done(List<Op> batch) {
    for (Op op : batch) {
      Op head = queue.pollFirst();
      assert head == op;
      ArrayDeque<Op> ops = byStream.get(op.stream());
      ops.pollFirst();
      if (ops.isEmpty()) {
        byStream.remove(op.stream());
      }
      if (counted(op)) {
        appends--;
      }
    }
  }

  /** Refuses further operations; what is queued stays to be written. */
  synchronized void close() {
    closed = true;
    notifyAll();
  }

  synchronized boolean closed() {
    return closed;
  }

  /** Everything still queued, taken off the queue: for failing it when it can never be written. */
  synchronized List<Op> drain() {
    List<Op> all = new ArrayList<>(queue);
    done(all);
    return all;
  }
}
