package dev.parley.chat.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;

/**
 * One client connection: its identity, its state, and the last handler of its pipeline. Lives on
 * the load generator's single event loop, so its fields need no synchronisation.
 */
final class Conn extends SimpleChannelInboundHandler<WebSocketFrame> {
  /** What the connection reports to whoever drives the load. Called on the event loop. */
  interface Events {
    void joined(Conn c);

    /** A connection that never joined failed, or a joined one got an error frame. */
    void failed(Conn c, String why);

    /** A chat message with its intended and actual send times ({@link System#nanoTime()}) arrived. */
    void delivered(Conn c, long intendedNanos, long sentNanos);

    void closed(Conn c);
  }

  final int index;
  final String user;
  final String room;
  final Driver driver;
  private final Events events;
  private final byte[] deliveryPrefix;
  Channel channel;
  long startedNanos;
  boolean joined;
  boolean closed;
  /** Closed on purpose by the load (a reconnection), not by the server or a failure. */
  boolean leaving;

  Conn(int index, String user, String room, Driver driver, Events events) {
    this.index = index;
    this.user = user;
    this.room = room;
    this.driver = driver;
    this.events = events;
    this.deliveryPrefix = driver.deliveryPrefix();
  }

  void send(String frame) {
    channel.writeAndFlush(new TextWebSocketFrame(frame));
  }

  /** Queues a frame without flushing; the caller flushes once per batch. */
  void write(String frame) {
    channel.write(new TextWebSocketFrame(frame), channel.voidPromise());
  }

  void joinDone() {
    if (!joined) {
      joined = true;
      events.joined(this);
    }
  }

  void error(String why) {
    events.failed(this, why);
    if (!joined) {
      channel.close();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
      driver.opened(this);
    } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
      error("WebSocket handshake timed out");
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (!(frame instanceof TextWebSocketFrame)) {
      return;
    }
    ByteBuf content = frame.content();
    if (Driver.startsWith(content, deliveryPrefix)) {
      long intended = Marker.read(content);
      if (intended != Marker.NONE) {
        events.delivered(this, intended, Marker.readActual(content));
      }
      // A delivery without the marker is a notice (joins, leaves) or another client's text: not load.
    } else {
      driver.control(this, content.toString(StandardCharsets.UTF_8));
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    closed = true;
    events.closed(this);
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!joined) {
      events.failed(this, String.valueOf(cause));
    }
    ctx.close();
  }
}
