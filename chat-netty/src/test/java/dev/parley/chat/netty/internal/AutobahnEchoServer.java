package dev.parley.chat.netty.internal;

import dev.parley.chat.netty.NettyConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.Set;

/**
 * The WebSocket compliance target: Parley's own pipeline (limits, UTF-8 validation, close handling)
 * with an echo endpoint in place of the chat endpoint. The Autobahn TestSuite plugin calls {@code
 * main} with the port during {@code mvn verify} (see this module's pom).
 */
public final class AutobahnEchoServer {
  private AutobahnEchoServer() {}

  public static void main(String[] args) throws InterruptedException {
    NettyConfig config = NettyConfig.builder()
        .port(Integer.parseInt(args[0]))
        .path("/")
        .allowedOrigins(Set.of("*"))
        .build();
    new NettyServer(config, Echo::new).start().toCompletableFuture().join();
    Thread.currentThread().join(); // the plugin interrupts this thread when the suite is done
  }

  private static final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
    /** As every endpoint does, so that the suite runs the pipeline connections have after the upgrade. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
        ServerInitializer.upgraded(ctx.pipeline());
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
        ctx.writeAndFlush(frame.retainedDuplicate());
      } else if (frame instanceof CloseWebSocketFrame close) {
        Closing.received(ctx, close);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
