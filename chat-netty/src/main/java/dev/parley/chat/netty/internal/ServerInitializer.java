package dev.parley.chat.netty.internal;

import dev.parley.chat.netty.NettyConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The pipeline of every connection: HTTP until the WebSocket upgrade, then validated, size-limited,
 * reassembled frames for the endpoint handler. The endpoint is pluggable so that the WebSocket
 * compliance tests run this same pipeline with an echo endpoint.
 */
public final class ServerInitializer extends ChannelInitializer<Channel> {
  private static final String HTTP_TIMEOUT = "http-timeout";
  /** How long a client has to answer our close frame before the TCP connection is dropped. */
  private static final long CLOSE_TIMEOUT_MILLIS = 3000;

  private final NettyConfig config;
  private final StaticFiles staticFiles;
  private final ChannelGroup channels;
  private final Supplier<ChannelHandler> endpoint;
  private final WebSocketServerProtocolConfig protocolConfig;

  public ServerInitializer(NettyConfig config, ChannelGroup channels, Supplier<ChannelHandler> endpoint) {
    this.config = config;
    this.channels = channels;
    this.endpoint = endpoint;
    this.staticFiles = config.staticResources() == null
        ? null
        : new StaticFiles(config.staticResources(), Thread.currentThread().getContextClassLoader());
    this.protocolConfig = WebSocketServerProtocolConfig.newBuilder()
        .websocketPath(config.path())
        // HttpRequestHandler only passes on requests whose path is exactly the endpoint's; this lets
        // a query string through ("/chat?token=...").
        .checkStartsWith(true)
        .handshakeTimeoutMillis(config.handshakeTimeout().toMillis())
        .forceCloseTimeoutMillis(CLOSE_TIMEOUT_MILLIS)
        .dropPongFrames(false)
        .handleCloseFrames(false)
        // Netty would otherwise add "1000 Bye" to every close, masking the 1002/1007 its decoder
        // chose; Parley sends its own close frames wherever it closes on purpose.
        .sendCloseFrame(null)
        .decoderConfig(WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(config.maxFrameBytes())
            .allowExtensions(false)
            .allowMaskMismatch(false)
            .withUTF8Validator(true)
            .closeOnProtocolViolation(true)
            .build())
        .build();
  }

  @Override
  protected void initChannel(Channel ch) {
    channels.add(ch);
    ChannelPipeline p = ch.pipeline();
    p.addLast(HTTP_TIMEOUT, new IdleStateHandler(0, 0, config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS));
    p.addLast("http", new HttpServerCodec(4096, 8192, 8192));
    // Handshakes and file requests carry no body worth more than this.
    p.addLast("http-aggregator", new HttpObjectAggregator(8192));
    p.addLast("http-handler", new HttpRequestHandler(config, staticFiles));
    p.addLast("ws-protocol", new WebSocketServerProtocolHandler(protocolConfig));
    p.addLast("ws-aggregator", new WebSocketFrameAggregator(config.maxFrameBytes()));
    p.addLast("endpoint", endpoint.get());
  }

  /** Called by the endpoint when the upgrade is done: the HTTP-phase timeout no longer applies. */
  public static void upgraded(ChannelPipeline pipeline) {
    if (pipeline.get(HTTP_TIMEOUT) != null) {
      pipeline.remove(HTTP_TIMEOUT);
    }
  }
}
