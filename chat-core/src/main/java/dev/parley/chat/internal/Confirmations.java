package dev.parley.chat.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for the other nodes to confirm that they applied a relayed moderation, so that a moderation
 * completes only once every node enforces it: after a ban's stage completes, no node lets the user
 * join on the strength of its copy of the room's bans. Relays are at most once, so the wait is bounded
 * by {@link #TIMEOUT}; a node that does not confirm by then (dying, or its subscription down) reads
 * its bans again when it is back ({@code LocalNode.onRelaysMissed}). Thread-safe.
 */
final class Confirmations {
  private static final Logger log = LoggerFactory.getLogger(dev.parley.chat.ChatServer.class);
  /** How long a moderation waits for the other nodes' confirmations. */
  static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** The bytes of a relay's id. */
  static final int ID_BYTES = 16;

  private static final class Waiting {
    final AtomicInteger confirmed = new AtomicInteger();
    volatile int expected = -1;
    final CompletableFuture<Void> done = new CompletableFuture<>();
  }

  private final ConcurrentHashMap<ByteBuffer, Waiting> waiting = new ConcurrentHashMap<>();

  /** A new relay id, registered so that confirmations arriving before {@link #expect} count. */
  byte[] open() {
    UUID uuid = UUID.randomUUID();
    byte[] id = ByteBuffer.allocate(ID_BYTES).putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits()).array();
    Waiting w = new Waiting();
    ByteBuffer key = ByteBuffer.wrap(id);
    waiting.put(key, w);
    w.done.completeOnTimeout(null, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
      waiting.remove(key);
      int missing = w.expected - w.confirmed.get();
      if (missing > 0) {
        log.info("{} node(s) did not confirm a moderation within {}; they read bans and mutes again when back",
            missing, TIMEOUT);
      }
    });
    return id;
  }

  /**
   * How many nodes the relay reached; the stage completes once as many confirmed, at once for none
   * (or for an engine that cannot tell, {@code -1}), or after {@link #TIMEOUT}.
   */
  CompletableFuture<Void> expect(byte[] id, int nodes) {
    Waiting w = waiting.get(ByteBuffer.wrap(id));
    if (w == null) {
      return CompletableFuture.completedFuture(null); // timed out already
    }
    w.expected = Math.max(0, nodes);
    check(w);
    return w.done;
  }

  /** A node confirmed the relay {@code id}; ids this node is not waiting for are other nodes'. */
  void confirmed(byte[] id) {
    Waiting w = waiting.get(ByteBuffer.wrap(id));
    if (w != null) {
      w.confirmed.incrementAndGet();
      check(w);
    }
  }

  private static void check(Waiting w) {
    int expected = w.expected;
    if (expected >= 0 && w.confirmed.get() >= expected) {
      w.done.complete(null);
    }
  }

  /** Stops waiting for {@code id}: the relay itself failed. */
  void abandon(byte[] id) {
    Waiting w = waiting.get(ByteBuffer.wrap(id));
    if (w != null) {
      w.expected = 0;
      w.done.complete(null);
    }
  }
}
