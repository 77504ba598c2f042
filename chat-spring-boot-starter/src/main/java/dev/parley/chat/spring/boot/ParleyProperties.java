package dev.parley.chat.spring.boot;

import dev.parley.chat.AckTiming;
import java.time.Duration;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code parley.*} properties the starter builds its servers from: {@code parley.chat.*} for
 * {@link dev.parley.chat.ChatConfig}, {@code parley.netty.*} for {@link
 * dev.parley.chat.netty.NettyConfig} and {@code parley.socket-io.*} for {@link
 * dev.parley.chat.socketio.SocketIoConfig}, each named as the builder method it sets, in Spring's
 * kebab case ({@code parley.chat.history-size} sets {@code historySize}). A property left unset
 * keeps that builder's default, so docs/configuration.md gives every default; docs/spring-boot.md
 * lists the properties.
 *
 * <p>Immutable, bound once when the application context starts; safe to share between threads.
 *
 * @param enabled whether the starter configures anything; default {@code true}
 * @param chat the chat server's limits and behaviour
 * @param netty the network settings
 * @param socketIo the Socket.IO settings
 */
@ConfigurationProperties("parley")
public record ParleyProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue Chat chat,
    @DefaultValue Netty netty,
    @DefaultValue SocketIo socketIo) {

  /**
   * {@code parley.chat.*}: the options of {@link dev.parley.chat.ChatConfig.Builder}; {@code null}
   * keeps the builder's default.
   *
   * @param historySize messages kept per room and sent to a joining client
   * @param maxMessageLength longest message text accepted from a client, in UTF-16 chars
   * @param maxUsernameLength longest username accepted
   * @param maxRoomNameLength longest room name accepted
   * @param maxRoomsPerConnection most rooms one connection may be in at once
   * @param maxRooms most rooms with members on this node at once
   * @param requestsPerSecond sustained requests per second one connection may send
   * @param requestBurst requests one connection may send at once
   * @param maxPendingRequests requests of one connection that may wait for the hook executor
   * @param announcePresence whether joins and leaves are announced to the room
   * @param keepPresenceNotices whether those announcements are kept in the room's history
   * @param maxRecoveredMessages most messages per room a reconnecting client is sent
   * @param recoveryWindow how old the last message a reconnecting client saw may be
   * @param offlineMessages whether private messages to offline users are kept
   * @param ackTiming when a client's message is acknowledged
   * @param hookTimeout how long a deciding hook may take
   * @param typingPerSecond typing notices one connection may send per second
   * @param typingTimeout how long a typing indicator lasts without a refresh
   * @param roomReadReceipts whether a room's members learn how far the others read
   * @param readsPerSecond read requests one connection may send per second
   * @param deliveryReceipts whether a private message's sender learns where it was delivered
   */
  public record Chat(
      Integer historySize,
      Integer maxMessageLength,
      Integer maxUsernameLength,
      Integer maxRoomNameLength,
      Integer maxRoomsPerConnection,
      Integer maxRooms,
      Integer requestsPerSecond,
      Integer requestBurst,
      Integer maxPendingRequests,
      Boolean announcePresence,
      Boolean keepPresenceNotices,
      Integer maxRecoveredMessages,
      Duration recoveryWindow,
      Boolean offlineMessages,
      AckTiming ackTiming,
      Duration hookTimeout,
      Integer typingPerSecond,
      Duration typingTimeout,
      Boolean roomReadReceipts,
      Integer readsPerSecond,
      Boolean deliveryReceipts) {}

  /**
   * {@code parley.netty.*}: the options of {@link dev.parley.chat.netty.NettyConfig.Builder};
   * {@code null} keeps the builder's default.
   *
   * @param host address to listen on
   * @param port port to listen on; 0 picks a free one
   * @param path path of the JSON protocol's WebSocket endpoint
   * @param maxFrameBytes largest WebSocket frame on the JSON endpoint, in bytes
   * @param maxQueuedBytes bytes that may wait for a slow client
   * @param pingInterval how often each client is pinged
   * @param pingTimeout how long a client has to answer a ping
   * @param handshakeTimeout how long a new connection may take to send its HTTP request
   * @param shutdownTimeout how long stopping waits for clients to close
   * @param ioThreads number of I/O threads; 0 means Netty's default
   * @param nativeTransport whether to use epoll where available
   * @param staticResources class-path folder served over HTTP
   * @param allowedOrigins origins allowed to open WebSockets
   * @param maxConnections most connections open at once
   * @param maxConnectionsPerAddress most connections open at once from one address
   * @param maxPendingHandshakes most connections at once without a complete first request
   * @param maxPendingHandshakesPerAddress the same, from one address
   * @param acceptsPerSecond new connections accepted per second, on average
   * @param acceptBurst new connections that may arrive at once
   * @param trustedProxies proxies whose {@code X-Forwarded-For} is believed
   * @param tls HTTPS and {@code wss://} from PEM files; unset serves plain HTTP
   * @param perMessageDeflate whether WebSocket clients may negotiate per-message compression
   * @param warmUpConnections connections of its own the server serves before it listens, to warm the JIT
   */
  public record Netty(
      String host,
      Integer port,
      String path,
      Integer maxFrameBytes,
      Integer maxQueuedBytes,
      Duration pingInterval,
      Duration pingTimeout,
      Duration handshakeTimeout,
      Duration shutdownTimeout,
      Integer ioThreads,
      Boolean nativeTransport,
      String staticResources,
      Set<String> allowedOrigins,
      Integer maxConnections,
      Integer maxConnectionsPerAddress,
      Integer maxPendingHandshakes,
      Integer maxPendingHandshakesPerAddress,
      Integer acceptsPerSecond,
      Integer acceptBurst,
      Set<String> trustedProxies,
      Tls tls,
      Boolean perMessageDeflate,
      Integer warmUpConnections) {}

  /**
   * {@code parley.netty.tls.*}: {@link dev.parley.chat.netty.Tls#pem}; set both or neither.
   *
   * @param certificateChain PEM file with the server's certificate first, then its chain
   * @param privateKey PEM file with the certificate's private key (PKCS#8, unencrypted)
   */
  public record Tls(java.nio.file.Path certificateChain, java.nio.file.Path privateKey) {}

  /**
   * {@code parley.socket-io.*}: the options of {@link dev.parley.chat.socketio.SocketIoConfig.Builder};
   * {@code null} keeps the builder's default.
   *
   * @param enabled whether the Socket.IO endpoint is served
   * @param path the endpoint's path
   * @param connectTimeout how long a client may take to connect to a namespace
   * @param maxPayload largest message in bytes on either transport
   * @param upgradeTimeout how long an upgrade from long-polling to WebSocket may take
   * @param maxPendingEvents events of one socket that may wait for the worker pool
   * @param connectionStateRecovery how long a disconnected client's state is kept; 0 for off
   * @param maxBinaryEventBytes largest unfinished binary packet a client may have the server hold
   * @param binaryEventTimeout how long a binary packet may take to arrive whole
   * @param fetchSocketsTimeout how long {@code fetchSockets()} waits for the other nodes
   * @param serveClient whether the socket.io client bundle is served under the path ({@code
   *     socket.io.js} and the others)
   */
  public record SocketIo(
      Boolean enabled,
      String path,
      Duration connectTimeout,
      Integer maxPayload,
      Duration upgradeTimeout,
      Integer maxPendingEvents,
      Duration connectionStateRecovery,
      Integer maxBinaryEventBytes,
      Duration binaryEventTimeout,
      Duration fetchSocketsTimeout,
      Boolean serveClient) {}
}
