package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.socketio.AckTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The acknowledgements of one broadcast, from this node's recipients and the other nodes', until
 * every recipient answered (then {@link #result} completes with them) or the timeout (then it fails
 * with what came). Done as socket.io's broadcast with acks: each node first says how many recipients
 * it has, then passes on each acknowledgement; the cluster says how many nodes took the request.
 * Thread-safe.
 */
final class AckCollector {
  final CompletableFuture<List<List<Object>>> result = new CompletableFuture<>();
  private final Duration timeout;
  private final List<List<Object>> responses = new ArrayList<>();
  /** Other nodes the cluster handed the request to: unknown until it says; -1 if it cannot tell. */
  private int nodes = -2;
  private int nodesCounted;
  private int recipients;

  AckCollector(int localRecipients, Duration timeout) {
    this.recipients = localRecipients;
    this.timeout = timeout;
  }

  /** The cluster took the request for this many other nodes (-1: it cannot tell). */
  synchronized void nodes(int count) {
    nodes = count;
    check();
  }

  /** One other node has this many recipients. */
  synchronized void recipients(int count) {
    nodesCounted++;
    recipients += count;
    check();
  }

  /** One recipient's acknowledgement, with its arguments. */
  synchronized void answered(List<Object> args) {
    responses.add(args);
    check();
  }

  private void check() {
    if (nodes >= 0 && nodesCounted >= nodes && responses.size() >= recipients) {
      result.complete(List.copyOf(responses));
    }
  }

  synchronized void timedOut() {
    if (nodes == -1 && responses.size() >= recipients) {
      result.complete(List.copyOf(responses)); // an engine that cannot count nodes: all that were counted
    } else {
      result.completeExceptionally(new AckTimeoutException(
          "not every recipient acknowledged within " + timeout.toMillis() + " ms", responses));
    }
  }
}
