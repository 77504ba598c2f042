package dev.parley.chat.netty.internal;

import dev.parley.chat.ChatServer;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.netty.HttpRoute;
import dev.parley.chat.netty.NettyConfig;
import dev.parley.chat.spi.CloseCodes;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the listening socket and every open channel, and the event loops unless they were handed to
 * it; starts and stops them.
 */
public final class NettyServer {
  private static final Logger log = LoggerFactory.getLogger(NettyServer.class);

  private final NettyConfig config;
  private final Supplier<ChannelHandler> endpoint;
  private final List<EngineIoServer> engines;
  private final HttpRoutes routes;
  private final ChannelGroup channels = new DefaultChannelGroup("parley", GlobalEventExecutor.INSTANCE);
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  /** The application's event loops, which this server uses and never shuts down; null for its own. */
  private final EventLoops given;
  private EventLoopGroup bossGroup;
  private EventLoopGroup workerGroup;
  private Channel serverChannel;
  private boolean stopping;

  /**
   * @param endpoint handlers for the JSON endpoint, or {@code null} for none
   * @param engines Engine.IO servers (Socket.IO's among them), each at its own path
   */
  public NettyServer(NettyConfig config, Supplier<ChannelHandler> endpoint, List<EngineIoServer> engines) {
    this(config, endpoint, engines, Map.of(), null, null);
  }

  /**
   * As above, with the application's HTTP routes by exact path, run on {@code routeExecutor}, and
   * on the application's event loops ({@code null} for loops of its own, made at {@link #start()}
   * and shut down by {@link #stop()}).
   */
  public NettyServer(NettyConfig config, Supplier<ChannelHandler> endpoint, List<EngineIoServer> engines,
      Map<String, HttpRoute> routes, Executor routeExecutor, EventLoops given) {
    this.given = given;
    this.routes = routes.isEmpty() ? null : new HttpRoutes(routes, routeExecutor);
    this.config = config;
    this.endpoint = endpoint;
    this.engines = List.copyOf(engines);
  }

  /** The JSON protocol endpoint's handlers for {@code chat}, one per connection, sharing one codec. */
  public static Supplier<ChannelHandler> jsonEndpoint(ChatServer chat, NettyConfig config) {
    JsonProtocol protocol = new JsonProtocol();
    ChatMetrics metrics = chat.metrics();
    Runnable slowConsumer = () -> metrics.slowConsumerClosed(ChatMetrics.Protocol.JSON);
    return () -> new ChatFrameHandler(chat, protocol, config, slowConsumer);
  }

  public NettyServer(NettyConfig config, Supplier<ChannelHandler> endpoint) {
    this(config, endpoint, List.of());
  }

  public synchronized CompletionStage<InetSocketAddress> start() {
    if (bossGroup != null) {
      throw new IllegalStateException("already started");
    }
    ServerInitializer initializer;
    try {
      // Before any thread exists: reads the TLS files, whose failure must leave nothing to stop.
      initializer = new ServerInitializer(config, channels, endpoint, engines, routes);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    boolean epoll;
    if (given != null) {
      epoll = given.epoll();
      bossGroup = given.boss();
      workerGroup = given.io();
    } else {
      epoll = config.nativeTransport() && Epoll.isAvailable();
      IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
      bossGroup = new MultiThreadIoEventLoopGroup(1, io);
      workerGroup = new MultiThreadIoEventLoopGroup(config.ioThreads(), io);
    }
    Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(bossGroup, workerGroup)
        .channel(channelType)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        // Writes pause above the high mark; what waits beyond it is counted against maxQueuedBytes.
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
        .childHandler(initializer);
    CompletableFuture<InetSocketAddress> started = new CompletableFuture<>();
    bootstrap.bind(config.host(), config.port()).addListener(f -> {
      if (f.isSuccess()) {
        synchronized (this) {
          serverChannel = ((io.netty.channel.ChannelFuture) f).channel();
        }
        InetSocketAddress address = (InetSocketAddress) serverChannel.localAddress();
        log.info("listening on {} ({}{})", address, epoll ? "epoll" : "nio", config.tls() == null ? "" : ", TLS");
        started.complete(address);
      } else {
        shutdownGroups(() -> {});
        started.completeExceptionally(f.cause());
      }
    });
    return started;
  }

  /**
   * Stops accepting, sends every WebSocket client close 1001, waits up to the shutdown timeout for
   * them to close, closes the rest, then stops the event loops.
   */
  public CompletionStage<Void> stop() {
    synchronized (this) {
      if (stopping || bossGroup == null) {
        if (bossGroup == null) {
          stopped.complete(null);
        }
        return stopped;
      }
      stopping = true;
    }
    long start = System.nanoTime();
    Channel listener = serverChannel;
    int sessions = engines.stream().mapToInt(EngineIoServer::sessionCount).sum();
    (listener == null ? GlobalEventExecutor.INSTANCE.newSucceededFuture(null) : listener.close()).addListener(f -> {
      // Sessions first, so that a waiting long-poll is answered with its close packet before the
      // plain HTTP connections are closed.
      CompletableFuture.allOf(engines.stream().map(EngineIoServer::closeAll).toArray(CompletableFuture[]::new))
          .orTimeout(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete((v, e) -> closeChannels(start, sessions));
    });
    return stopped;
  }

  private void closeChannels(long start, int sessions) {
    // Every queue stops taking frames before the first close frame goes out: otherwise a client
    // that closes first would have its departure ("alice has left") announced to those still open.
    List<OutboundQueue> closing = new ArrayList<>();
    int others = 0;
    for (Channel ch : channels) {
      OutboundQueue out = ch.attr(OutboundQueue.KEY).get();
      if (out != null) {
        if (out.stopTaking()) {
          closing.add(out);
        }
      } else if (!(ch instanceof ServerChannel)) {
        others++;
        ch.close();
      }
    }
    long pending = 0;
    for (OutboundQueue out : closing) {
      pending += out.queuedBytes();
    }
    closing.forEach(out -> out.sendClose(CloseCodes.GOING_AWAY, "server shutting down"));
    AtomicInteger forcedCount = new AtomicInteger();
    var forced = GlobalEventExecutor.INSTANCE.schedule(() -> {
      forcedCount.set(openChannels());
      channels.close();
    }, config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
    int webSockets = closing.size();
    int plain = others;
    long flushed = pending;
    channels.newCloseFuture().addListener(all -> {
      forced.cancel(false);
      shutdownGroups(() -> log.info("stopped in {} ms: {} Socket.IO sessions closed, {} WebSocket"
          + " connections sent close 1001 after {} bytes of pending writes were flushed, {} HTTP connections"
          + " closed, {} connections still open after the shutdown timeout ({} ms) closed without waiting",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), sessions, webSockets, flushed, plain,
          forcedCount.get(), config.shutdownTimeout().toMillis()));
    });
  }

  /**
   * Stops the event loops, unless they are the application's; {@code report} runs once they have,
   * just before {@link #stop()}'s stage completes.
   */
  private void shutdownGroups(Runnable report) {
    if (given != null) {
      report.run();
      stopped.complete(null);
      return;
    }
    var boss = bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    var workers = workerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    boss.addListener(b -> workers.addListener(w -> {
      report.run();
      stopped.complete(null);
    }));
  }

  /**
   * Bytes queued for WebSocket clients (both protocols) and not yet handed to their sockets, for
   * metrics: one pass over the open channels. Any thread.
   */
  public long queuedBytes() {
    long bytes = 0;
    for (Channel ch : channels) {
      OutboundQueue out = ch.attr(OutboundQueue.KEY).get();
      if (out != null) {
        bytes += out.queuedBytes();
      }
    }
    return bytes;
  }

  /** Whether the server listens: started, and not stopping. */
  public synchronized boolean listening() {
    return serverChannel != null && !stopping;
  }

  /** Open client channels, for the shutdown report. */
  private int openChannels() {
    return (int) channels.stream().filter(c -> !(c instanceof ServerChannel)).count();
  }
}
