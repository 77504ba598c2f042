package dev.parley.chat.internal;

import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.spi.TransportLink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's transport links: one engine relay carries every transport's payloads, each behind its
 * transport's name (one byte of length, then the name), which routes it to that transport's links
 * on the receiving node. Session ids are kept under the name too, so transports never share one.
 * Thread-safe.
 */
final class TransportLinks {
  private static final Logger log = LoggerFactory.getLogger(TransportLinks.class);

  private final ClusterEngine engine;
  private final Map<String, List<Link>> byName = new ConcurrentHashMap<>();
  private final List<Runnable> missed = new CopyOnWriteArrayList<>();

  TransportLinks(ClusterEngine engine) {
    this.engine = engine;
  }

  TransportLink link(String transport, TransportLink.Receiver receiver) {
    Objects.requireNonNull(receiver, "receiver");
    byte[] name = transport.getBytes(StandardCharsets.UTF_8);
    if (name.length == 0 || name.length > 255) {
      throw new IllegalArgumentException("a transport's name is 1 to 255 bytes of UTF-8");
    }
    Link link = new Link(transport, name, receiver);
    byName.computeIfAbsent(transport, n -> new CopyOnWriteArrayList<>()).add(link);
    return link;
  }

  /** Runs {@code listener} whenever relays may have been missed (see {@link #onMissed()}). */
  void onMissed(Runnable listener) {
    missed.add(Objects.requireNonNull(listener, "listener"));
  }

  /** On an engine thread: relays of other nodes may have been missed ({@code LocalNode.onRelaysMissed}). */
  void onMissed() {
    for (Runnable listener : missed) {
      listener.run();
    }
  }

  /** On an engine thread: a payload another node relayed. */
  void onRelay(byte[] payload) {
    int length = payload.length == 0 ? -1 : payload[0] & 0xff;
    if (length < 1 || payload.length < 1 + length) {
      log.error("Dropped a relayed payload without a transport's name (sent by another Parley version?)");
      return;
    }
    String name = new String(payload, 1, length, StandardCharsets.UTF_8);
    List<Link> links = byName.get(name);
    if (links == null) {
      return; // that transport does not run on this node
    }
    byte[] body = Arrays.copyOfRange(payload, 1 + length, payload.length);
    for (Link link : links) {
      try {
        link.receiver.onRelay(body);
      } catch (RuntimeException e) {
        log.error("The {} transport failed on a payload relayed from another node", name, e);
      }
    }
  }

  private final class Link implements TransportLink {
    private final String name;
    private final byte[] nameBytes;
    private final TransportLink.Receiver receiver;
    private volatile boolean closed;

    Link(String name, byte[] nameBytes, TransportLink.Receiver receiver) {
      this.name = name;
      this.nameBytes = nameBytes;
      this.receiver = receiver;
    }

    @Override
    public CompletionStage<Void> relay(byte[] payload) {
      return closed ? closedStage() : engine.relay(framed(payload));
    }

    @Override
    public CompletionStage<Integer> relayCounted(byte[] payload) {
      return closed ? closedStage() : engine.relayCounted(framed(payload));
    }

    private byte[] framed(byte[] payload) {
      byte[] framed = new byte[1 + nameBytes.length + payload.length];
      framed[0] = (byte) nameBytes.length;
      System.arraycopy(nameBytes, 0, framed, 1, nameBytes.length);
      System.arraycopy(payload, 0, framed, 1 + nameBytes.length, payload.length);
      return framed;
    }

    @Override
    public CompletionStage<Void> keepSession(String sessionId, byte[] state, Duration ttl) {
      return closed ? closedStage() : engine.keepSession(key(sessionId), state, ttl);
    }

    @Override
    public CompletionStage<Optional<byte[]>> takeSession(String sessionId) {
      return closed ? closedStage() : engine.takeSession(key(sessionId));
    }

    private String key(String sessionId) {
      return name + ':' + sessionId;
    }

    @Override
    public void close() {
      closed = true;
      byName.computeIfPresent(name, (n, links) -> {
        links.remove(this);
        return links.isEmpty() ? null : links;
      });
    }

    private <T> CompletionStage<T> closedStage() {
      return CompletableFuture.failedFuture(new IllegalStateException("this transport link is closed"));
    }
  }
}
