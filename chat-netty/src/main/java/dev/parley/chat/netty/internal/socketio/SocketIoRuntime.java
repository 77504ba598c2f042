package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.ChatServer;
import dev.parley.chat.internal.logging.LogText;
import dev.parley.chat.netty.internal.EngineFrame;
import dev.parley.chat.netty.internal.EngineListener;
import dev.parley.chat.netty.internal.CloseReason;
import dev.parley.chat.netty.internal.EngineSession;
import dev.parley.chat.socketio.Namespace;
import dev.parley.chat.socketio.SocketIo;
import dev.parley.chat.socketio.SocketIoConfig;
import dev.parley.chat.spi.TransportLink;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Socket.IO on top of Engine.IO: decodes packets per connection, connects sockets to namespaces,
 * dispatches events and acknowledgements. Per-connection state is touched only on the Engine.IO
 * session's event loop.
 */
public final class SocketIoRuntime implements SocketIo, EngineListener {
  private static final Logger log = LoggerFactory.getLogger(SocketIoRuntime.class);
  private final SocketIoConfig config;
  private final Executor workers;
  private final ConcurrentHashMap<String, NamespaceImpl> namespaces = new ConcurrentHashMap<>();
  /** The same runtime on the other nodes, through the chat server; {@code null} without one. */
  private volatile TransportLink link;
  private final ClusterRequests requests = new ClusterRequests(this);

  public SocketIoRuntime(SocketIoConfig config, Executor workers) {
    this.config = config;
    this.workers = workers;
    of("/");
  }

  SocketIoConfig config() {
    return config;
  }

  /** The name this transport's relays and sessions go under on every node. */
  public static final String LINK_NAME = "socket.io";

  /**
   * Links this runtime to the others of the cluster, through its chat server: broadcasts reach
   * their sockets too, and the chat namespace keeps its sessions where they can take them over.
   * Called once, before the server starts.
   */
  public void link(ChatServer chat) {
    this.link = chat.link(LINK_NAME, this::onRelay);
  }

  /** The link, or {@code null} when this runtime serves no chat server. */
  TransportLink link() {
    return link;
  }

  /** Stops receiving other nodes' broadcasts (the server stopped). */
  public void unlink() {
    TransportLink l = link;
    if (l != null) {
      l.close();
    }
  }

  /** Hands a broadcast or an operation to the other nodes; complete at once without a link. */
  CompletionStage<Void> relay(byte[] encoded) {
    TransportLink l = link;
    return l == null ? CompletableFuture.completedFuture(null) : l.relay(encoded);
  }

  /**
   * Relays a request to the other nodes; completes with how many took it (0 at once without a link,
   * -1 if the engine cannot tell).
   */
  CompletionStage<Integer> relayCounted(byte[] encoded) {
    TransportLink l = link;
    return l == null ? CompletableFuture.completedFuture(0) : l.relayCounted(encoded);
  }

  /** What this node asks the other nodes and waits for. */
  ClusterRequests requests() {
    return requests;
  }

  /** Marks a relay that is a {@link #relaySessionTaken} notice; an emit starts with its version, 1. */
  private static final byte SESSION_TAKEN = 'T';

  /**
   * Tells the other nodes that a connection here took a private id's kept state, so that a socket
   * of theirs that still holds it (its client left it without a word) stops writing it. A notice
   * that is lost leaves that socket writing until it times out.
   */
  void relaySessionTaken(String namespace, String pid) {
    TransportLink l = link;
    if (l == null) {
      return;
    }
    byte[] ns = namespace.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] p = pid.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    l.relay(java.nio.ByteBuffer.allocate(5 + ns.length + p.length).put(SESSION_TAKEN).putInt(ns.length).put(ns).put(p)
        .array());
  }

  private void onSessionTaken(byte[] payload) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(payload, 1, payload.length - 1);
    int length = b.remaining() < 4 ? -1 : b.getInt();
    if (length < 0 || length > b.remaining()) {
      log.error("Dropped a malformed Socket.IO session notice relayed from another node");
      return;
    }
    String ns = new String(payload, b.position(), length, java.nio.charset.StandardCharsets.UTF_8);
    String pid = new String(payload, b.position() + length, b.remaining() - length,
        java.nio.charset.StandardCharsets.UTF_8);
    NamespaceImpl namespace = namespaces.get(ns);
    NamespaceImpl.Listener l = namespace == null ? null : namespace.listener();
    if (l != null) {
      l.sessionTaken(pid);
    }
  }

  /**
   * On an engine thread: another node's broadcast or operation on sockets (socketsJoin, socketsLeave,
   * disconnectSockets), for this node's sockets of its namespace; or a session-taken notice.
   */
  private void onRelay(byte[] payload) {
    if (payload.length > 0 && payload[0] == SESSION_TAKEN) {
      onSessionTaken(payload);
    } else if (payload.length > 0 && ClusterRequests.handles(payload[0])) {
      requests.onRelay(payload);
    } else if (payload.length > 0 && payload[0] == RelayedOperation.MARKER) {
      relayed(payload, "operation", RelayedOperation::decode, RelayedOperation::namespace, BroadcastImpl::apply);
    } else {
      relayed(payload, "broadcast", RelayedEmit::decode, RelayedEmit::namespace, BroadcastImpl::deliver);
    }
  }

  /** Decodes what another node relayed and carries it out on its namespace here, if this node has it. */
  private <T> void relayed(byte[] payload, String what, java.util.function.Function<byte[], T> decode,
      java.util.function.Function<T, String> namespace, java.util.function.BiConsumer<NamespaceImpl, T> action) {
    T relayed;
    try {
      relayed = decode.apply(payload);
    } catch (IllegalArgumentException e) {
      log.error("Dropped a Socket.IO {} relayed from another node: {}", what, e.getMessage());
      return;
    }
    NamespaceImpl ns = namespaces.get(namespace.apply(relayed));
    if (ns != null) {
      action.accept(ns, relayed);
    }
  }

  Executor workers() {
    return workers;
  }

  @Override
  public Namespace of(String name) {
    return namespace(name);
  }

  /** The namespace of this name, or {@code null} if this node has none (it does not create one). */
  NamespaceImpl existing(String name) {
    return namespaces.get(name);
  }

  public NamespaceImpl namespace(String name) {
    if (!name.startsWith("/")) {
      throw new IllegalArgumentException("namespace names start with '/', was " + name);
    }
    return namespaces.computeIfAbsent(name, n -> new NamespaceImpl(n, this));
  }

  /** Per Engine.IO session: the packet being reassembled and the sockets by namespace. */
  static final class Connection {
    final EngineSession session;
    // Every connection keeps this for its whole life: an array, not a map.
    final NamespaceSockets sockets = new NamespaceSockets();
    /**
     * Namespaces with a CONNECT being decided; a repeated CONNECT meanwhile is ignored. Immutable,
     * replaced on change: it is empty for nearly all of a connection's life.
     */
    java.util.Set<String> connecting = java.util.Set.of();
    PacketCodec.Header pendingHeader;
    /** The binary attachments of {@link #pendingHeader} so far; null while none is awaited. */
    List<byte[]> pendingBinaries;
    /** The header's characters plus the bytes of {@link #pendingBinaries}. */
    long pendingBytes;
    /** Ends the session if {@link #pendingHeader} is still incomplete at its deadline. */
    ScheduledFuture<?> pendingTimer;
    ScheduledFuture<?> connectTimer;
    boolean everConnected;

    Connection(EngineSession session) {
      this.session = session;
    }

    /** On the loop. */
    void connecting(String namespace, boolean underway) {
      java.util.Set<String> before = connecting;
      // A client connects to one namespace at a time, nearly always: every connection's CONNECT
      // starts from none and ends at none again, without a set copied for each step.
      if (underway && before.isEmpty()) {
        connecting = java.util.Set.of(namespace);
        return;
      }
      if (!underway && before.size() == 1 && before.contains(namespace)) {
        connecting = java.util.Set.of();
        return;
      }
      java.util.Set<String> now = new java.util.HashSet<>(before);
      if (underway ? now.add(namespace) : now.remove(namespace)) {
        connecting = java.util.Set.copyOf(now);
      }
    }
  }

  @Override
  public void onOpen(EngineSession session) {
    Connection c = new Connection(session);
    session.attachment = c;
    c.connectTimer = session.loop().schedule(() -> {
      if (!c.everConnected) {
        session.close(CloseReason.CONNECT_TIMEOUT);
      }
    }, config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void onMessage(EngineSession session, String text) {
    Connection c = (Connection) session.attachment;
    try {
      if (c.pendingHeader != null) {
        throw new PacketCodec.Malformed("text packet while waiting for binary attachments");
      }
      PacketCodec.Header header = PacketCodec.decodeText(text);
      if (header.attachments() > 0) {
        awaitAttachments(c, header, text.length());
        return;
      }
      dispatch(c, PacketCodec.assemble(header, List.of()));
    } catch (PacketCodec.Malformed e) {
      refuse(c, e);
    }
  }

  @Override
  public void onBinary(EngineSession session, byte[] data) {
    Connection c = (Connection) session.attachment;
    try {
      if (c.pendingHeader == null) {
        throw new PacketCodec.Malformed("unexpected binary attachment");
      }
      c.pendingBytes += data.length;
      if (c.pendingBytes > config.maxBinaryEventBytes()) {
        throw new PacketCodec.Malformed("binary packet larger than " + config.maxBinaryEventBytes() + " bytes");
      }
      c.pendingBinaries.add(data);
      if (c.pendingBinaries.size() == c.pendingHeader.attachments()) {
        PacketCodec.Header header = c.pendingHeader;
        List<byte[]> binaries = List.copyOf(c.pendingBinaries);
        dropPending(c);
        dispatch(c, PacketCodec.assemble(header, binaries));
      }
    } catch (PacketCodec.Malformed e) {
      refuse(c, e);
    }
  }

  /**
   * Holds a binary packet's header until its attachments arrive, within {@link
   * SocketIoConfig#maxBinaryEventBytes()} and {@link SocketIoConfig#binaryEventTimeout()}: past
   * either, the session is closed as for a malformed packet, and what it sent is released at once.
   */
  private void awaitAttachments(Connection c, PacketCodec.Header header, int headerChars) throws PacketCodec.Malformed {
    if (headerChars > config.maxBinaryEventBytes()) {
      throw new PacketCodec.Malformed("binary packet larger than " + config.maxBinaryEventBytes() + " bytes");
    }
    c.pendingHeader = header;
    c.pendingBinaries = new ArrayList<>(header.attachments());
    c.pendingBytes = headerChars;
    c.pendingTimer = c.session.loop().schedule(() -> {
      if (c.pendingHeader == header) {
        log.debug("closing session {}: binary packet incomplete after {}", c.session.id(), config.binaryEventTimeout());
        dropPending(c);
        c.session.close(CloseReason.PARSE_ERROR);
      }
    }, config.binaryEventTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Forgets the binary packet being received, releasing its attachments. */
  private static void dropPending(Connection c) {
    c.pendingHeader = null;
    c.pendingBinaries = null;
    c.pendingBytes = 0;
    if (c.pendingTimer != null) {
      c.pendingTimer.cancel(false);
      c.pendingTimer = null;
    }
  }

  /**
   * A packet that cannot be taken: the session is closed, except for an event with a number out of
   * range on a namespace that answers those itself (the chat's, with BAD_REQUEST).
   */
  private void refuse(Connection c, PacketCodec.Malformed e) {
    if (e instanceof PacketCodec.RefusedNumber refused && refused.event() != null) {
      SocketImpl socket = c.sockets.get(refused.header().namespace());
      if (socket != null && socket.refused(refused.event(), refused.header().ackId(), refused.getMessage())) {
        return;
      }
    }
    dropPending(c);
    log.debug("closing session {}: {}", c.session.id(), LogText.of(e.getMessage()));
    c.session.close(CloseReason.PARSE_ERROR);
  }

  @Override
  public void onClose(EngineSession session, CloseReason reason) {
    Connection c = (Connection) session.attachment;
    if (c == null) {
      return;
    }
    if (c.connectTimer != null) {
      c.connectTimer.cancel(false);
      c.connectTimer = null;
    }
    dropPending(c);
    for (SocketImpl socket : c.sockets.values()) {
      socket.closed(reason);
    }
    c.sockets.clear();
  }

  private void dispatch(Connection c, Packet packet) throws PacketCodec.Malformed {
    SocketImpl socket = c.sockets.get(packet.namespace());
    if (packet.type() == Packet.CONNECT ? socket != null : socket == null && packet.type() != Packet.CONNECT_ERROR) {
      // As the reference server (socket.io's Client.ondecoded): a CONNECT to a namespace the client
      // is connected to, or anything else for one it is not connected to, closes the connection.
      log.debug("closing session {}: packet type {} out of order for its namespace", c.session.id(), packet.type());
      c.session.close(CloseReason.FORCED_SERVER_CLOSE);
      return;
    }
    switch (packet.type()) {
      case Packet.CONNECT -> connect(c, packet);
      case Packet.DISCONNECT -> {
        // As the reference server: the connection stays; the client may connect again.
        c.sockets.remove(packet.namespace());
        socket.closed(CloseReason.CLIENT_NAMESPACE_DISCONNECT);
      }
      case Packet.EVENT -> {
        @SuppressWarnings("unchecked")
        List<Object> data = (List<Object>) packet.data();
        socket.onEvent((String) data.get(0), data.subList(1, data.size()), packet.ackId());
      }
      case Packet.ACK -> {
        @SuppressWarnings("unchecked")
        List<Object> data = (List<Object>) packet.data();
        socket.onAck(packet.ackId(), data);
      }
      default -> throw new PacketCodec.Malformed("unexpected packet type " + packet.type());
    }
  }

  private void connect(Connection c, Packet packet) {
    NamespaceImpl ns = namespaces.get(packet.namespace());
    if (ns == null) {
      c.session.send(PacketCodec.encode(Packet.CONNECT_ERROR, packet.namespace(), -1,
          Map.of("message", "Invalid namespace")));
      return;
    }
    if (c.connecting.contains(ns.name())) {
      // A stock client calling connect() twice before the answer; the first CONNECT's answer serves both.
      return;
    }
    c.connecting(ns.name(), true);
    @SuppressWarnings("unchecked")
    Map<String, Object> auth = packet.data() == null ? Map.of() : (Map<String, Object>) packet.data();
    ns.connect(c, auth);
  }

  /** On the session's loop, once the namespace accepted: registers and answers CONNECT. */
  void connected(Connection c, SocketImpl socket) {
    if (!c.session.isOpen()) {
      return;
    }
    c.everConnected = true;
    if (c.connectTimer != null) {
      // Done with; cancelled now rather than left to run, and not kept for the connection's life.
      c.connectTimer.cancel(false);
      c.connectTimer = null;
    }
    c.sockets.put(socket);
    Map<String, Object> reply = new java.util.LinkedHashMap<>();
    reply.put("sid", socket.id());
    if (socket.pid() != null) {
      reply.put("pid", socket.pid()); // the client's cue to send it back, with its offset, to recover
    }
    c.session.send(PacketCodec.encode(Packet.CONNECT, socket.namespace(), -1, reply));
  }

  /** On the session's loop: a socket disconnected by the server. */
  void removed(Connection c, SocketImpl socket) {
    if (c.sockets.remove(socket.namespace(), socket) && c.sockets.isEmpty()) {
      c.session.close(CloseReason.SERVER_NAMESPACE_DISCONNECT);
    }
  }

  static List<EngineFrame> encodeEvent(String namespace, long ackId, String event, Object[] args) {
    List<Object> data = new ArrayList<>(args.length + 1);
    data.add(event);
    for (Object a : args) {
      data.add(a);
    }
    return PacketCodec.encode(Packet.EVENT, namespace, ackId, data);
  }
}
