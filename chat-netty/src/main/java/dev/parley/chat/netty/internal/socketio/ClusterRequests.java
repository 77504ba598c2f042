package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.Handshake;
import dev.parley.chat.netty.internal.EngineFrame;
import dev.parley.chat.socketio.RemoteSocket;
import dev.parley.chat.Handshake;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one node asks the others over the relay and waits for: the sockets a broadcast matches
 * ({@code fetchSockets}) and the acknowledgements of a broadcast ({@code emitWithAck}). A request
 * names this runtime by a random token and a number; a node that gets it answers through the relay,
 * which reaches every node, and only the asker takes the answers. How many nodes to wait for is what
 * the cluster counted when it took the request ({@code relayCounted}).
 *
 * <p>The forms, each behind its marker byte: a fetch {@code F} (token, number, selection) and its
 * answer {@code S} (token, number, one packet per socket); a broadcast with acks {@code A} (token,
 * number, timeout in ms, selection, the event packet without an ack id), the number of its
 * recipients on a node {@code C} (token, number, count), and each recipient's acknowledgement
 * {@code K} (token, number, the ack packet). Thread-safe.
 */
final class ClusterRequests {
  private static final Logger log = LoggerFactory.getLogger(ClusterRequests.class);

  private static final byte FETCH = 'F';
  private static final byte SOCKETS = 'S';
  private static final byte ACK_EMIT = 'A';
  private static final byte ACK_COUNT = 'C';
  private static final byte ACK = 'K';

  /** How long {@code fetchSockets} waits for the other nodes, as socket.io's {@code requestsTimeout}. */
  static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);

  private final SocketIoRuntime runtime;
  private final String token = dev.parley.chat.netty.internal.RandomIds.next();
  private final AtomicLong nextRequest = new AtomicLong();
  private final ConcurrentHashMap<Long, Object> waiting = new ConcurrentHashMap<>();

  ClusterRequests(SocketIoRuntime runtime) {
    this.runtime = runtime;
  }

  /** Whether a relayed payload is one of these requests or answers. */
  static boolean handles(byte marker) {
    return marker == FETCH || marker == SOCKETS || marker == ACK_EMIT || marker == ACK_COUNT || marker == ACK;
  }

  // ------------------------------------------------------------------ asking

  /** This node's matching sockets now, and the other nodes' as they answer. */
  CompletionStage<List<RemoteSocket>> fetch(NamespaceImpl ns, Selection selection) {
    List<RemoteSocket> mine = new ArrayList<>();
    for (SocketImpl s : selection.targets(ns)) {
      mine.add(new RemoteSocketImpl(ns, s.id(), s.handshake(), s.rooms(), copy(s.data()), s.user()));
    }
    Fetches fetch = new Fetches(ns, mine);
    long id = register(fetch, fetch.result, FETCH_TIMEOUT, fetch::timedOut);
    ask(fetch::nodes, fetch.result, out -> {
      out.writeByte(FETCH);
      head(out, token, id);
      selection.write(out);
    });
    return fetch.result;
  }

  /**
   * Asks the other nodes to emit an event (encoded without an ack id) to their matching sockets and
   * to pass on each acknowledgement to {@code acks}.
   */
  void emitWithAck(Selection selection, List<EngineFrame> event, Duration timeout, AckCollector acks) {
    long id = register(acks, acks.result, timeout, acks::timedOut);
    ask(acks::nodes, acks.result, out -> {
      out.writeByte(ACK_EMIT);
      head(out, token, id);
      out.writeLong(timeout.toMillis());
      selection.write(out);
      RelayedEmit.writeFrames(out, event);
    });
  }

  private long register(Object request, CompletableFuture<?> result, Duration timeout, Runnable timedOut) {
    long id = nextRequest.getAndIncrement();
    waiting.put(id, request);
    result.whenComplete((done, failure) -> waiting.remove(id));
    CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(timedOut);
    return id;
  }

  /** Relays a request; {@code nodes} learns how many nodes took it, or the result fails. */
  private void ask(java.util.function.IntConsumer nodes, CompletableFuture<?> result, Writer request) {
    runtime.relayCounted(encode(request)).whenComplete((count, failure) -> {
      if (failure != null) {
        result.completeExceptionally(failure);
      } else {
        nodes.accept(count);
      }
    });
  }

  /** The sockets found so far, until every node the cluster counted answered. */
  private static final class Fetches {
    final CompletableFuture<List<RemoteSocket>> result = new CompletableFuture<>();
    final NamespaceImpl ns;
    private final List<RemoteSocket> sockets;
    private int expected = -2; // until the cluster counted; -1 if it cannot
    private int answered;

    Fetches(NamespaceImpl ns, List<RemoteSocket> mine) {
      this.ns = ns;
      this.sockets = mine;
    }

    synchronized void nodes(int count) {
      expected = count;
      check();
    }

    synchronized void answer(List<RemoteSocket> theirs) {
      sockets.addAll(theirs);
      answered++;
      check();
    }

    private void check() {
      if (expected >= 0 && answered >= expected) {
        result.complete(List.copyOf(sockets));
      }
    }

    synchronized void timedOut() {
      if (expected == -1) {
        result.complete(List.copyOf(sockets)); // an engine that cannot count: what came in time
      } else {
        result.completeExceptionally(new java.util.concurrent.TimeoutException("fetchSockets: " + answered + " of "
            + Math.max(expected, 0) + " other nodes answered within " + FETCH_TIMEOUT.toMillis() + " ms"));
      }
    }
  }

  // ------------------------------------------------------------------ answering

  /** On an engine thread: a request of another node, or an answer to one of this node's. */
  void onRelay(byte[] payload) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
      int max = payload.length;
      byte marker = in.readByte();
      String asker = RelayedEmit.string(in, max);
      long id = in.readLong();
      switch (marker) {
        case FETCH -> onFetch(asker, id, Selection.read(in, max));
        case ACK_EMIT -> {
          long timeout = in.readLong();
          onEmitWithAck(asker, id, Duration.ofMillis(Math.max(0, timeout)), Selection.read(in, max),
              RelayedEmit.readFrames(in, max));
        }
        default -> {
          Object request = asker.equals(token) ? waiting.get(id) : null;
          if (request != null) {
            onAnswer(marker, request, in, max);
          }
        }
      }
    } catch (IOException | IllegalArgumentException | PacketCodec.Malformed | ClassCastException e) {
      log.error("Dropped a Socket.IO request or answer relayed from another node: {}", e.toString());
    }
  }

  /** This node's sockets that a selection of another node's picks; none if this node lacks the namespace. */
  private List<SocketImpl> mine(Selection selection) {
    NamespaceImpl ns = runtime.existing(selection.namespace());
    return ns == null ? List.of() : selection.targets(ns);
  }

  /** Writes an answer's head: what it answers, and to whom. */
  private static void answer(DataOutputStream out, byte marker, String asker, long id) throws IOException {
    out.writeByte(marker);
    head(out, asker, id);
  }

  private void onFetch(String asker, long id, Selection selection) {
    List<SocketImpl> mine = mine(selection);
    relay(out -> {
      answer(out, SOCKETS, asker, id);
      out.writeInt(mine.size());
      for (SocketImpl s : mine) {
        RelayedEmit.writeFrames(out, PacketCodec.encode(Packet.EVENT, "/", -1, describe(s)));
      }
    });
  }

  /** Emits to this node's matching sockets with an ack id of this node's, and relays each answer. */
  private void onEmitWithAck(String asker, long id, Duration timeout, Selection selection, List<EngineFrame> event)
      throws PacketCodec.Malformed {
    List<SocketImpl> mine = mine(selection);
    relay(out -> {
      answer(out, ACK_COUNT, asker, id);
      out.writeInt(mine.size());
    });
    if (mine.isEmpty()) {
      return;
    }
    NamespaceImpl ns = runtime.existing(selection.namespace());
    List<Object> data = list(unpack(event).data());
    long ackId = ns.nextAckId();
    List<EngineFrame> frames = SocketIoRuntime.encodeEvent(ns.name(), ackId, (String) data.get(0),
        data.subList(1, data.size()).toArray());
    for (SocketImpl s : mine) {
      s.expectAck(ackId, timeout).thenAccept(args -> relay(out -> {
        answer(out, ACK, asker, id);
        RelayedEmit.writeFrames(out, PacketCodec.encode(Packet.ACK, "/", 0, args));
      }));
      s.send(frames);
    }
  }

  private void onAnswer(byte marker, Object request, DataInputStream in, int max)
      throws IOException, PacketCodec.Malformed {
    if (marker == SOCKETS && request instanceof Fetches fetch) {
      int count = RelayedEmit.count(in, max);
      List<RemoteSocket> theirs = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        theirs.add(socket(fetch.ns, list(unpack(RelayedEmit.readFrames(in, max)).data())));
      }
      fetch.answer(theirs);
    } else if (marker == ACK_COUNT && request instanceof AckCollector acks) {
      acks.recipients(in.readInt());
    } else if (marker == ACK && request instanceof AckCollector acks) {
      acks.answered(list(unpack(RelayedEmit.readFrames(in, max)).data()));
    }
  }

  /** A socket as it travels: an event packet {@code ["s", id, rooms, handshake, data, user]}, user or {@code null}. */
  private static List<Object> describe(SocketImpl s) {
    Handshake http = s.handshake();
    Map<String, Object> handshake = new LinkedHashMap<>();
    handshake.put("address", http.remoteAddress());
    handshake.put("path", http.path());
    handshake.put("query", http.query());
    handshake.put("headers", http.headers());
    handshake.put("auth", http.auth());
    return java.util.Arrays.asList("s", s.id(), List.copyOf(s.rooms()), handshake, copy(s.data()), s.user().orElse(null));
  }

  @SuppressWarnings("unchecked")
  private static RemoteSocket socket(NamespaceImpl ns, List<Object> d) {
    Map<String, Object> hs = (Map<String, Object>) d.get(3);
    Handshake http = new Handshake((String) hs.get("address"), (String) hs.get("path"),
        (Map<String, List<String>>) hs.get("query"), (Map<String, List<String>>) hs.get("headers"),
        (Map<String, Object>) hs.get("auth"));
    return new RemoteSocketImpl(ns, (String) d.get(1), http,
        Collections.unmodifiableSet(new LinkedHashSet<>((List<String>) d.get(2))), copy((Map<String, Object>) d.get(4)),
        Optional.ofNullable(d.size() > 5 ? (String) d.get(5) : null));
  }

  private static Map<String, Object> copy(Map<String, Object> data) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object data) {
    return (List<Object>) data;
  }

  // ------------------------------------------------------------------ the forms

  /** Decodes a packet that {@link PacketCodec#encode} made. */
  static Packet unpack(List<EngineFrame> frames) throws PacketCodec.Malformed {
    String text = new String(frames.get(0).utf8(), StandardCharsets.UTF_8).substring(1); // after Engine.IO's '4'
    List<byte[]> binaries = new ArrayList<>(frames.size() - 1);
    for (EngineFrame f : frames.subList(1, frames.size())) {
      binaries.add(f.binaryData());
    }
    return PacketCodec.assemble(PacketCodec.decodeText(text), binaries);
  }

  private static void head(DataOutputStream out, String asker, long id) throws IOException {
    RelayedEmit.write(out, asker.getBytes(StandardCharsets.UTF_8));
    out.writeLong(id);
  }

  @FunctionalInterface
  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] encode(Writer writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writer.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // not from memory
    }
    return bytes.toByteArray();
  }

  /** An answer: at most once, as every relay; one that is lost makes the asker wait for its timeout. */
  private void relay(Writer answer) {
    runtime.relay(encode(answer));
  }
}
