package dev.parley.chat.netty.internal;

import dev.parley.chat.Handshake;
import dev.parley.chat.spi.CloseCodes;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The WebSocket transport of Engine.IO: a fresh session, or the probe of a polling session's upgrade. */
final class EngineIoFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
  private static final Logger log = LoggerFactory.getLogger(EngineIoFrameHandler.class);

  private final EngineIoServer server;
  /** The upgrade request's, as the engine read it: a fresh session keeps it. */
  private final Handshake handshake;
  private EngineSession session;
  private OutboundQueue out;

  public EngineIoFrameHandler(EngineIoServer server, Handshake handshake) {
    this.server = server;
    this.handshake = handshake;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (!(evt instanceof WebSocketServerProtocolHandler.HandshakeComplete)) {
      super.userEventTriggered(ctx, evt);
      return;
    }
    ServerInitializer.upgraded(ctx.pipeline());
    Channel channel = ctx.channel();
    out = new OutboundQueue(channel, server.settings().maxQueuedBytes(), server.slowConsumer());
    List<String> sid = handshake.query().get("sid");
    if (sid == null) {
      EngineSession fresh = server.newSession(channel.eventLoop(), handshake, EngineSession.State.WEBSOCKET);
      session = fresh;
      out.text(server.openPacket(fresh, false).getBytes(StandardCharsets.UTF_8));
      fresh.transport.opened(channel, out);
      return;
    }
    EngineSession existing = server.session(sid.get(0));
    if (existing == null) {
      out.closeNow(CloseCodes.POLICY_VIOLATION, "Session ID unknown");
      return;
    }
    session = existing;
    OutboundQueue probe = out;
    existing.loop().execute(() -> {
      if (!existing.upgrade().begin(channel, probe)) {
        probe.closeNow(CloseCodes.POLICY_VIOLATION, "Bad request");
      }
    });
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    EngineSession s = session;
    if (s == null) {
      return;
    }
    Channel channel = ctx.channel();
    if (frame instanceof TextWebSocketFrame text) {
      String packet = text.text();
      s.run(() -> s.transport.onWsText(channel, packet));
    } else if (frame instanceof BinaryWebSocketFrame binary) {
      byte[] data = ByteBufUtil.getBytes(binary.content());
      s.run(() -> s.transport.onWsBinary(channel, data));
    } else if (frame instanceof CloseWebSocketFrame close) {
      Closing.received(ctx, close);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (out != null && ctx.channel().isWritable()) {
      out.drain();
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    EngineSession s = session;
    if (s != null) {
      Channel channel = ctx.channel();
      s.loop().execute(() -> s.transport.onWsClosed(channel));
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException && out != null) {
      out.closeNow(CloseCodes.MESSAGE_TOO_BIG, "message too big");
    } else if (cause instanceof MessageAssembler.Incomplete && out != null) {
      out.closeNow(CloseCodes.POLICY_VIOLATION, "message incomplete");
    } else if (PeerFailures.log(log, ctx.channel(), cause) || out == null) {
      ctx.close();
    } else {
      out.closeNow(CloseCodes.INTERNAL_ERROR, "internal error");
    }
  }
}
