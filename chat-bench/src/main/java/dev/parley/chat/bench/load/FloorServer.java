package dev.parley.chat.bench.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The floor of the comparison (issue 16): bare Netty on one event loop, writing the same Socket.IO
 * frames the chat servers write to the same sockets, with no chat server behind them. It speaks only
 * what the load generator's {@code socketio} driver needs: the WebSocket upgrade at {@code
 * /socket.io/}, the Engine.IO open packet, the namespace connect, {@code join room} with its
 * acknowledgement, {@code new message} to a room (to every other member) and {@code new pm} (as a
 * {@code new message} to the target). A delivery is encoded once per message and the same bytes go to
 * every recipient.
 *
 * <p>What it skips, on purpose: Engine.IO pings (the generator answers them, never sends them), HTTP
 * long-polling, acknowledgements of chat messages (the generator asks for none), validation (a frame
 * it does not understand is ignored; the message text is copied as the raw JSON string it came as),
 * message ids, history, presence, rate limits and connection caps. So it is no chat server: it is
 * what any server must at least pay to move the load's bytes through the kernel.
 *
 * <p>Threading: one event loop serves every connection, so the room and user maps need no locks.
 * Flags: {@code --host} (127.0.0.1), {@code --port} (8080), {@code --stats-port} (8081). Prints
 * {@code READY <port>} once both ports listen.
 */
public final class FloorServer implements AutoCloseable {
  private final EventLoopGroup group;
  private final Channel channel;
  private final StatsEndpoint stats;
  /** Touched only on the one event loop. */
  private final Map<String, List<Channel>> rooms = new HashMap<>();
  private final Map<String, Channel> users = new HashMap<>();
  private int connections;

  private FloorServer(String host, int port, int statsPort) throws InterruptedException, java.io.IOException {
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    group = new MultiThreadIoEventLoopGroup(1, io);
    WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
        .websocketPath("/socket.io/")
        .checkStartsWith(true)
        .maxFramePayloadLength(1 << 20)
        .build();
    channel = new ServerBootstrap().group(group)
        .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16),
                new WebSocketServerProtocolHandler(ws), new Session());
          }
        })
        .bind(new InetSocketAddress(host, port)).sync().channel();
    stats = StatsEndpoint.start(host, statsPort, () -> group.next().submit(() -> connections).get());
  }

  /** Starts a floor server; port 0 picks free ports. */
  public static FloorServer start(String host, int port, int statsPort) throws Exception {
    return new FloorServer(host, port, statsPort);
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  public int statsPort() {
    return stats.port();
  }

  @Override
  public void close() {
    stats.close();
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** One connection's handler and state. */
  private final class Session extends SimpleChannelInboundHandler<TextWebSocketFrame> {
    private String user;
    private String room;
    private boolean open;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
        connections++;
        open = true;
        ctx.writeAndFlush(new TextWebSocketFrame("0{\"sid\":\"" + Integer.toHexString(System.identityHashCode(ctx.channel()))
            + "\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}"));
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
      String text = frame.text();
      if (text.equals("40")) {
        ctx.writeAndFlush(new TextWebSocketFrame("40{\"sid\":\"s" + ctx.channel().hashCode() + "\"}"));
      } else if (text.startsWith("42[\"new message\",")) {
        List<Channel> members = rooms.get(field(text, "room"));
        if (members != null && user != null) {
          ByteBuf encoded = delivery(field(text, "room"), text);
          for (Channel m : members) {
            if (m != ctx.channel()) {
              m.writeAndFlush(new TextWebSocketFrame(encoded.retainedDuplicate()), m.voidPromise());
            }
          }
          encoded.release();
        }
      } else if (text.startsWith("42[\"new pm\",")) {
        Channel target = users.get(field(text, "target"));
        if (target != null && user != null) {
          target.writeAndFlush(new TextWebSocketFrame(delivery(null, text)), target.voidPromise());
        }
      } else if (text.startsWith("42") && text.contains("[\"join room\",")) {
        // 42<ack id>["join room",{...}]: answered as 43<ack id>[{...}]
        String ackId = text.substring(2, text.indexOf('['));
        room = field(text, "roomname");
        user = field(text, "username");
        rooms.computeIfAbsent(room, r -> new ArrayList<>()).add(ctx.channel());
        users.put(user, ctx.channel());
        ctx.writeAndFlush(new TextWebSocketFrame("43" + ackId + "[{\"room\":\"" + room + "\",\"username\":\"" + user
            + "\",\"members\":[],\"history\":[]}]"));
      }
    }

    /**
     * The {@code new message} event for {@code request}'s text, as the chat servers shape it (room,
     * sender, text), copying the text's raw JSON string: encoded once, written to every recipient.
     */
    private ByteBuf delivery(String toRoom, String request) {
      int at = request.indexOf("\"message\":");
      String message = request.substring(at + "\"message\":".length(), request.lastIndexOf('}'));
      String json = "42[\"new message\",{" + (toRoom == null ? "\"type\":\"private\"" : "\"room\":\"" + toRoom + "\"")
          + ",\"username\":\"" + user + "\",\"message\":" + message + "}]";
      return Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (user != null) {
        users.remove(user, ctx.channel());
        List<Channel> members = rooms.get(room);
        members.remove(ctx.channel());
        if (members.isEmpty()) {
          rooms.remove(room);
        }
      }
      if (open) {
        connections--;
      }
      super.channelInactive(ctx);
    }
  }

  /** The string value of {@code "name":"..."} in a frame the generator wrote (its names hold no quote). */
  static String field(String frame, String name) {
    String key = "\"" + name + "\":\"";
    int at = frame.indexOf(key);
    if (at < 0) {
      return null;
    }
    int from = at + key.length();
    return frame.substring(from, frame.indexOf('"', from));
  }

  public static void main(String[] args) throws Exception {
    Flags flags = Flags.parse(args);
    String host = flags.string("host", "127.0.0.1");
    int port = flags.integer("port", 8080);
    int statsPort = flags.integer("stats-port", 8081);
    flags.rejectUnknown();
    FloorServer s = start(host, port, statsPort);
    Runtime.getRuntime().addShutdownHook(new Thread(s::close));
    System.out.println("floor server: bare Netty, pre-encoded Socket.IO frames, one event loop, stats at http://"
        + host + ":" + s.statsPort() + "/stats");
    System.out.println("READY " + s.port());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
