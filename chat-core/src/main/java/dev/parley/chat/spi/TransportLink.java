package dev.parley.chat.spi;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A transport's line to the same transport on the other nodes of the chat cluster, from {@link
 * dev.parley.chat.ChatServer#link}: for transports, not for applications. Chat traffic needs none
 * (the server routes it); a transport uses its link for what it does outside the chat:
 *
 * <ul>
 *   <li>{@link #relay} hands bytes to the links of the same name on every other node, for example a
 *       Socket.IO emit to a namespace, which each node then delivers to its own clients;
 *   <li>{@link #keepSession} and {@link #takeSession} keep a client's recovery state where the node
 *       it reconnects to, whichever it is, finds it.
 * </ul>
 *
 * <p>On the in-process engine (one node) a relay reaches nobody and the state stays in this process;
 * see {@link dev.parley.chat.cluster.ClusterEngine#relay} and {@link
 * dev.parley.chat.cluster.ClusterEngine#keepSession} for what the engine promises.
 *
 * <p><b>Threading and lifecycle.</b> Thread-safe; no method blocks. Stages complete on the engine's
 * threads (or at once) and fail with {@link dev.parley.chat.cluster.ClusterUnavailableException}
 * when the cluster cannot be reached. The {@link Receiver} is called on an engine thread, one call
 * at a time. A link works until {@link #close()} or until its server is closed.
 */
public interface TransportLink extends AutoCloseable {

  /** What the links of the same name on the other nodes relay. */
  @FunctionalInterface
  interface Receiver {
    /**
     * A payload a link of the same name on another node relayed; never one of this node's own. Runs
     * on an engine thread, one call at a time: it must not block.
     *
     * @param payload the bytes as relayed
     */
    void onRelay(byte[] payload);
  }

  /**
   * Hands a payload to the links of this name on every other node, at most once each.
   *
   * @param payload the bytes; not to be changed afterwards
   * @return completes once the cluster has taken it
   */
  CompletionStage<Void> relay(byte[] payload);

  /**
   * Relays a payload as {@link #relay} does, and tells to how many other nodes it was handed: the
   * answers a payload that asks the other nodes something may wait for. See {@link
   * dev.parley.chat.cluster.ClusterEngine#relayCounted}.
   *
   * @param payload the bytes; not to be changed afterwards
   * @return the number of other nodes it was handed to, or -1 if the engine cannot tell
   */
  default CompletionStage<Integer> relayCounted(byte[] payload) {
    return relay(payload).thenApply(v -> -1);
  }

  /**
   * Keeps a client's recovery state, replacing what was kept under the id, for {@code ttl} from now.
   * Session ids are this link's own: another transport's same id is another session.
   *
   * @param sessionId the transport's private session id
   * @param state the state
   * @param ttl how long to keep it
   * @return completes once it is kept
   */
  CompletionStage<Void> keepSession(String sessionId, byte[] state, Duration ttl);

  /**
   * Takes (reads and removes) a kept state, kept by this transport on any node.
   *
   * @param sessionId the transport's private session id
   * @return the state, or empty if none is kept
   */
  CompletionStage<Optional<byte[]>> takeSession(String sessionId);

  /** Stops the {@link Receiver}; relays and sessions of this link fail afterwards. Idempotent. */
  @Override
  void close();
}
