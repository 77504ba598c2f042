package dev.parley.chat.spring.boot.internal;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.netty.NettyConfig;
import dev.parley.chat.netty.Tls;
import dev.parley.chat.socketio.SocketIoConfig;
import dev.parley.chat.spring.boot.ParleyProperties;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Turns the bound {@code parley.*} properties into the library's configurations: a property that is
 * set calls the builder method of the same name, an unset one leaves the builder's default. Stateless.
 */
public final class ParleyConfigs {
  private ParleyConfigs() {}

  /**
   * {@code parley.chat.*} as a {@link ChatConfig}.
   *
   * @throws InvalidParleyPropertyException if a value is out of range
   */
  public static ChatConfig chat(ParleyProperties.Chat p) {
    ChatConfig.Builder b = ChatConfig.builder();
    set(p.historySize(), b::historySize);
    set(p.maxMessageLength(), b::maxMessageLength);
    set(p.maxUsernameLength(), b::maxUsernameLength);
    set(p.maxRoomNameLength(), b::maxRoomNameLength);
    set(p.maxRoomsPerConnection(), b::maxRoomsPerConnection);
    set(p.maxRooms(), b::maxRooms);
    set(p.requestsPerSecond(), b::requestsPerSecond);
    set(p.requestBurst(), b::requestBurst);
    set(p.maxPendingRequests(), b::maxPendingRequests);
    set(p.announcePresence(), b::announcePresence);
    set(p.keepPresenceNotices(), b::keepPresenceNotices);
    set(p.maxRecoveredMessages(), b::maxRecoveredMessages);
    set(p.recoveryWindow(), b::recoveryWindow);
    set(p.offlineMessages(), b::offlineMessages);
    set(p.ackTiming(), b::ackTiming);
    set(p.hookTimeout(), b::hookTimeout);
    set(p.typingPerSecond(), b::typingPerSecond);
    set(p.typingTimeout(), b::typingTimeout);
    set(p.roomReadReceipts(), b::roomReadReceipts);
    set(p.readsPerSecond(), b::readsPerSecond);
    set(p.deliveryReceipts(), b::deliveryReceipts);
    return build("parley.chat", b::build);
  }

  /**
   * {@code parley.netty.*} as a {@link NettyConfig}.
   *
   * @throws InvalidParleyPropertyException if a value is out of range
   */
  public static NettyConfig netty(ParleyProperties.Netty p) {
    NettyConfig.Builder b = NettyConfig.builder();
    set(p.host(), b::host);
    set(p.port(), b::port);
    set(p.path(), b::path);
    set(p.maxFrameBytes(), b::maxFrameBytes);
    set(p.maxQueuedBytes(), b::maxQueuedBytes);
    set(p.pingInterval(), b::pingInterval);
    set(p.pingTimeout(), b::pingTimeout);
    set(p.handshakeTimeout(), b::handshakeTimeout);
    set(p.shutdownTimeout(), b::shutdownTimeout);
    set(p.ioThreads(), b::ioThreads);
    set(p.nativeTransport(), b::nativeTransport);
    set(p.staticResources(), b::staticResources);
    set(p.allowedOrigins(), b::allowedOrigins);
    set(p.maxConnections(), b::maxConnections);
    set(p.maxConnectionsPerAddress(), b::maxConnectionsPerAddress);
    set(p.maxPendingHandshakes(), b::maxPendingHandshakes);
    set(p.maxPendingHandshakesPerAddress(), b::maxPendingHandshakesPerAddress);
    set(p.acceptsPerSecond(), b::acceptsPerSecond);
    set(p.acceptBurst(), b::acceptBurst);
    set(p.trustedProxies(), b::trustedProxies);
    set(p.perMessageDeflate(), b::perMessageDeflate);
    set(p.warmUpConnections(), b::warmUpConnections);
    if (p.tls() != null) {
      ParleyProperties.Tls tls = p.tls();
      build("parley.netty.tls", () -> {
        if (tls.certificateChain() == null || tls.privateKey() == null) {
          throw new IllegalArgumentException("set both certificate-chain and private-key");
        }
        return b.tls(Tls.pem(tls.certificateChain(), tls.privateKey()));
      });
    }
    return build("parley.netty", b::build);
  }

  /**
   * {@code parley.socket-io.*} as a {@link SocketIoConfig}.
   *
   * @throws InvalidParleyPropertyException if a value is out of range
   */
  public static SocketIoConfig socketIo(ParleyProperties.SocketIo p) {
    SocketIoConfig.Builder b = SocketIoConfig.builder();
    set(p.enabled(), b::enabled);
    set(p.path(), b::path);
    set(p.connectTimeout(), b::connectTimeout);
    set(p.maxPayload(), b::maxPayload);
    set(p.upgradeTimeout(), b::upgradeTimeout);
    set(p.maxPendingEvents(), b::maxPendingEvents);
    set(p.connectionStateRecovery(), b::connectionStateRecovery);
    set(p.fetchSocketsTimeout(), b::fetchSocketsTimeout);
    set(p.maxBinaryEventBytes(), b::maxBinaryEventBytes);
    set(p.binaryEventTimeout(), b::binaryEventTimeout);
    set(p.serveClient(), b::serveClient);
    return build("parley.socket-io", b::build);
  }

  private static <T> void set(T value, Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }

  private static <T> T build(String prefix, Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw new InvalidParleyPropertyException(prefix, e);
    }
  }
}
