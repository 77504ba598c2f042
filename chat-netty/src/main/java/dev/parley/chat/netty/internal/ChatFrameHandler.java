package dev.parley.chat.netty.internal;

import dev.parley.chat.ChatServer;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.netty.NettyConfig;
import dev.parley.chat.spi.ClientSession;
import dev.parley.chat.spi.CloseCodes;
import dev.parley.chat.spi.ClientRequest;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of the pipeline for the JSON endpoint: turns an upgraded channel into a chat session,
 * frames into requests, and keeps the connection alive with pings.
 */
final class ChatFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
  private static final Logger log = LoggerFactory.getLogger(ChatFrameHandler.class);

  private final ChatServer chat;
  private final JsonProtocol protocol;
  private final NettyConfig config;
  private final ChatMetrics metrics;
  private final Runnable slowConsumer;
  private NettyConnection connection;
  private ScheduledFuture<?> pinger;
  private ScheduledFuture<?> pongCheck;
  private long lastReadNanos;
  private long pingSentNanos;

  ChatFrameHandler(ChatServer chat, JsonProtocol protocol, NettyConfig config, Runnable slowConsumer) {
    this.chat = chat;
    this.metrics = chat.metrics();
    this.slowConsumer = slowConsumer;
    this.protocol = protocol;
    this.config = config;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
      ServerInitializer.upgraded(ctx.pipeline());
      Channel channel = ctx.channel();
      connection = new NettyConnection(
          Handshakes.of(channel, handshake.requestUri(), handshake.requestHeaders()),
          protocol, new OutboundQueue(channel, config.maxQueuedBytes(), slowConsumer));
      metrics.connectionOpened(ChatMetrics.Protocol.JSON);
      lastReadNanos = System.nanoTime();
      long interval = config.pingInterval().toNanos();
      pinger = ctx.executor().scheduleAtFixedRate(() -> ping(ctx), interval, interval, TimeUnit.NANOSECONDS);
      connection.session(chat.open(connection));
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  private void ping(ChannelHandlerContext ctx) {
    if (connection.out().isClosing()) {
      return;
    }
    pingSentNanos = System.nanoTime();
    ctx.writeAndFlush(new PingWebSocketFrame());
    pongCheck = ctx.executor().schedule(() -> {
      if (lastReadNanos - pingSentNanos < 0 && !connection.out().isClosing()) {
        log.debug("closing {}: no answer to ping", ctx.channel().remoteAddress());
        connection.out().closeNow(CloseCodes.IDLE_TIMEOUT, "ping timeout");
      }
    }, config.pingTimeout().toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    lastReadNanos = System.nanoTime();
    ClientSession session = connection.session();
    if (frame instanceof TextWebSocketFrame text) {
      session.receive(protocol.decode(text.text()));
    } else if (frame instanceof CloseWebSocketFrame close) {
      Closing.received(ctx, close);
    } else if (frame instanceof BinaryWebSocketFrame) {
      session.receive(new ClientRequest.Invalid(
          null, ErrorCodes.BINARY_NOT_SUPPORTED, "This endpoint takes JSON text frames only"));
    }
    // Pong frames only count as a sign of life; MessageAssembler answers pings.
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (connection != null && ctx.channel().isWritable()) {
      connection.out().drain();
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (pinger != null) {
      pinger.cancel(false);
    }
    if (pongCheck != null) {
      pongCheck.cancel(false);
    }
    if (connection != null) {
      metrics.connectionClosed(ChatMetrics.Protocol.JSON);
      if (connection.session() != null) {
        connection.session().closed();
      }
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException) {
      if (connection != null) {
        connection.out().closeNow(CloseCodes.MESSAGE_TOO_BIG, "message too big");
      } else {
        ctx.close();
      }
    } else if (cause instanceof MessageAssembler.Incomplete && connection != null) {
      connection.out().closeNow(CloseCodes.POLICY_VIOLATION, "message incomplete");
    } else if (PeerFailures.log(log, ctx.channel(), cause)) {
      // For a protocol violation Netty's decoder has already sent the close code it calls for
      // (1002, 1007, 1009); after a reset or a cut-off message there is no one left to tell.
      ctx.close();
    } else if (connection != null) {
      connection.out().closeNow(CloseCodes.INTERNAL_ERROR, "internal error");
    } else {
      ctx.close();
    }
  }
}
