package dev.parley.chat.netty.internal;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatServer;
import dev.parley.chat.netty.NettyChatServer;
import dev.parley.chat.netty.NettyConfig;
import dev.parley.chat.socketio.ChatEvents;
import dev.parley.chat.socketio.SocketIoConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link NettyConfig#warmUpConnections()} connections of a server's own before it listens, so
 * that the JIT compiles a connection's path (Netty's HTTP and WebSocket handshake, Engine.IO,
 * Socket.IO, the chat bridge, the core's connect and join) on them rather than on the first clients'.
 * They go over loopback to a private copy of the server, on a free port, with a chat server of its
 * own that has no hooks, store or cluster, so the real server's chat, hooks and metrics never see
 * them. Then it waits for the JIT to finish compiling what they made hot. Runs on the thread that
 * calls {@link #run}; blocks it for at most {@link #DEADLINE_MILLIS}.
 */
public final class WarmUp {
  private static final Logger log = LoggerFactory.getLogger(WarmUp.class);
  /** However many connections were asked for, start-up waits no longer than this for them. */
  static final long DEADLINE_MILLIS = 60_000;
  /** Connections open at once: enough to keep the server's core busy, few enough for any caps. */
  private static final int IN_FLIGHT = 32;
  /** Members of each warm-up room, as in a small chat room, so that joins and messages fan out. */
  private static final int ROOM_SIZE = 10;
  private static final long CONNECTION_TIMEOUT_MILLIS = 10_000;
  private static final long SETTLE_MILLIS = 100;
  private static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS);

  /** What a warm-up did: connections that went through every step, those that did not, and its time. */
  public record Result(int completed, int failed, long millis) {}

  private WarmUp() {}

  /**
   * Serves {@code connections} warm-up connections, alternating Socket.IO (if {@code socketIo} is
   * enabled) and the JSON protocol, in rooms of {@value #ROOM_SIZE}; opens no more once {@code
   * cancelled} says so. Never throws: a failure is logged and ends the warm-up early.
   */
  public static Result run(int connections, NettyConfig config, SocketIoConfig socketIo, ChatEvents events,
      ChatConfig chatConfig, BooleanSupplier cancelled) {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
    AtomicInteger completed = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    ChatServer chat = null;
    NettyChatServer server = null;
    MultiThreadIoEventLoopGroup clients = null;
    try {
      chat = ChatServer.builder().config(chatConfig.toBuilder()
          // one join and one message per connection, but many connections from one address at once
          .requestsPerSecond(Integer.MAX_VALUE).requestBurst(Integer.MAX_VALUE).build()).build();
      server = NettyChatServer.builder(config.toBuilder()
              .host("127.0.0.1").port(0).tls(null).staticResources(null).allowedOrigins(Set.of("*"))
              .maxConnectionsPerAddress(config.maxConnections())
              .maxPendingHandshakesPerAddress(config.maxPendingHandshakes())
              .acceptsPerSecond(1_000_000_000).acceptBurst(Integer.MAX_VALUE)
              // its clients are gone by the time it stops: nothing to wait for
              .shutdownTimeout(java.time.Duration.ZERO)
              .warmUpConnections(0).build())
          .chat(chat).chatEvents(events).socketIo(socketIo).build();
      clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
      server.start().toCompletableFuture().get(DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
      InetSocketAddress address = server.address();
      Semaphore slots = new Semaphore(IN_FLIGHT);
      for (int i = 0; i < connections; i++) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || cancelled.getAsBoolean() || !slots.tryAcquire(left, TimeUnit.NANOSECONDS)) {
          break;
        }
        boolean viaSocketIo = socketIo.enabled() && i % 2 == 0;
        URI uri = URI.create("ws://127.0.0.1:" + address.getPort()
            + (viaSocketIo ? socketIo.path() + "?EIO=4&transport=websocket" : config.path()));
        Script script = new Script(viaSocketIo, events, "warm-up-" + i / ROOM_SIZE, completed);
        ChannelFuture connect = new Bootstrap().group(clients).channel(NioSocketChannel.class)
            .handler(new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                    new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                        .webSocketUri(uri).generateOriginHeader(false).maxFramePayloadLength(1024 * 1024)
                        .handshakeTimeoutMillis(CONNECTION_TIMEOUT_MILLIS).build()),
                    script);
              }
            })
            .connect(address);
        Channel channel = connect.channel();
        ScheduledFuture<?> timeout = channel.eventLoop().schedule(() -> channel.close(), CONNECTION_TIMEOUT_MILLIS,
            TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> {
          timeout.cancel(false);
          if (!script.done) {
            failed.incrementAndGet();
          }
          slots.release();
        });
      }
      // The last connections finish, unless the warm-up was cancelled: its clients close at once then.
      long left = deadline - System.nanoTime();
      while (left > 0 && !cancelled.getAsBoolean()
          && !slots.tryAcquire(IN_FLIGHT, Math.min(left, SETTLE_NANOS), TimeUnit.NANOSECONDS)) {
        left = deadline - System.nanoTime();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception | LinkageError e) {
      log.info("warm-up ended early: {}", e.toString());
    } finally {
      if (clients != null) {
        clients.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly(); // closes their channels
      }
      if (server != null) {
        server.stop().toCompletableFuture().join();
      }
      if (chat != null) {
        chat.close();
      }
    }
    if (!cancelled.getAsBoolean()) {
      settle(deadline, cancelled);
    }
    Result result = new Result(completed.get(), failed.get(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    log.info("warmed up with {} connections in {} ms ({} did not finish)", result.completed(), result.millis(),
        result.failed());
    return result;
  }

  /**
   * Waits, until {@code deadline} at most, for the JIT to finish what the warm-up queued: the methods
   * it made hot are compiled in the background, and would otherwise be compiled while the first
   * clients connect. Settled is a tenth of a second in which the compilers' total time did not grow.
   */
  private static void settle(long deadline, BooleanSupplier cancelled) {
    CompilationMXBean jit;
    try {
      jit = ManagementFactory.getCompilationMXBean();
    } catch (LinkageError e) {
      return; // java.management left out of a custom runtime image
    }
    if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
      return;
    }
    long before = jit.getTotalCompilationTime();
    while (System.nanoTime() - deadline < 0 && !cancelled.getAsBoolean()) {
      try {
        Thread.sleep(SETTLE_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      long now = jit.getTotalCompilationTime();
      if (now == before) {
        return;
      }
      before = now;
    }
  }

  /**
   * One warm-up connection's steps, each sent when the answer to the one before arrives: over
   * Socket.IO the namespace connect, a join with an acknowledgement, a message with one; over the
   * JSON protocol a join and a message. The server's frames are told apart by their start, which is
   * all the script needs: it talks only to this server.
   */
  private static final class Script extends SimpleChannelInboundHandler<TextWebSocketFrame> {
    private final boolean socketIo;
    private final ChatEvents events;
    private final String room;
    private final AtomicInteger completed;
    private int step;
    volatile boolean done;

    Script(boolean socketIo, ChatEvents events, String room, AtomicInteger completed) {
      this.socketIo = socketIo;
      this.events = events;
      this.room = room;
      this.completed = completed;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE && !socketIo) {
        send(ctx, "{\"type\":\"join\",\"id\":\"1\",\"room\":\"" + room + "\"}");
      }
      ctx.fireUserEventTriggered(event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
      String text = frame.text();
      if (socketIo) {
        if (step == 0 && text.startsWith("0")) {
          send(ctx, "40");
        } else if (step == 1 && text.startsWith("40")) {
          send(ctx, "421[\"" + events.joinEvent() + "\",{\"roomname\":\"" + room + "\"}]");
        } else if (step == 2 && text.startsWith("431")) {
          send(ctx, "422[\"" + events.messageEvent() + "\",{\"room\":\"" + room + "\",\"message\":\"warm-up\"}]");
        } else if (step == 3 && text.startsWith("432")) {
          finish(ctx);
        }
      } else if (step == 1 && text.contains("\"joined\"")) {
        send(ctx, "{\"type\":\"message\",\"id\":\"2\",\"room\":\"" + room + "\",\"text\":\"warm-up\"}");
      } else if (step == 2 && text.contains("\"ack\"")) {
        finish(ctx);
      }
    }

    private void send(ChannelHandlerContext ctx, String text) {
      step++;
      ctx.writeAndFlush(new TextWebSocketFrame(text));
    }

    private void finish(ChannelHandlerContext ctx) {
      done = true;
      completed.incrementAndGet();
      ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
