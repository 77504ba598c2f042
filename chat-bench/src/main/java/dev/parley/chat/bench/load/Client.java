package dev.parley.chat.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The load generator's WebSocket client: one event loop thread for every connection (so all
 * per-connection state and the counters are confined to it), epoll when available.
 */
final class Client implements AutoCloseable {
  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final String host;
  private final List<Integer> ports;
  private final java.util.function.IntUnaryOperator nodeOf;
  private final List<InetSocketAddress> sources;
  final boolean epoll;

  /**
   * A client of one server, or of several (a cluster's nodes): connection number {@code i} goes to
   * {@code ports.get(nodeOf.applyAsInt(i))}.
   *
   * @param sources local addresses to connect from, round robin; empty lets the kernel choose. Each
   *     source address has its own ephemeral port range, so several let one client open more
   *     connections to one server port than that range holds.
   */
  Client(String host, List<Integer> ports, java.util.function.IntUnaryOperator nodeOf, List<String> sources) {
    this.host = host;
    this.ports = List.copyOf(ports);
    this.nodeOf = nodeOf;
    this.sources = sources.stream().map(s -> new InetSocketAddress(s, 0)).toList();
    this.epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(1, io);
    this.bootstrap = new Bootstrap()
        .group(group)
        .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
        // Closed connections leave their ports in TIME_WAIT; the next run must still be able to bind.
        .option(ChannelOption.SO_REUSEADDR, true);
    if (epoll) {
      // Lets the kernel pick the port at connect time, by the whole 4-tuple, not at bind time.
      bootstrap.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
    }
  }

  EventLoop loop() {
    return group.next();
  }

  /** Opens {@code c}'s connection with {@code driver}'s path; call on the event loop. */
  void connect(Conn c, Driver driver) {
    int port = ports.get(nodeOf.applyAsInt(c.index));
    URI uri = URI.create("ws://" + host + ":" + port + driver.path());
    WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
        .webSocketUri(uri)
        .version(WebSocketVersion.V13)
        .customHeaders(new DefaultHttpHeaders())
        .maxFramePayloadLength(4 << 20)
        .handshakeTimeoutMillis(15_000)
        .dropPongFrames(true)
        // The generator measures the server, whose own tests check its UTF-8; validating every
        // received byte here took a seventh of the generator's core at 200k deliveries/s.
        .withUTF8Validator(false)
        .build();
    Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
            new WebSocketClientProtocolHandler(config), c);
      }
    });
    c.startedNanos = System.nanoTime();
    InetSocketAddress remote = new InetSocketAddress(host, port);
    ChannelFuture f = sources.isEmpty()
        ? b.connect(remote)
        : b.connect(remote, sources.get(c.index % sources.size()));
    c.channel = f.channel();
    f.addListener(done -> {
      if (!done.isSuccess()) {
        c.error("connect: " + done.cause());
      }
    });
  }

  /** Closes every channel in {@code channels} and waits up to {@code seconds} for them to close. */
  static void closeAll(List<Channel> channels, long seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    for (Channel ch : channels) {
      ch.close();
    }
    for (Channel ch : channels) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !ch.closeFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
        return;
      }
    }
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
