package dev.parley.chat.netty.internal;

import dev.parley.chat.Handshake;
import dev.parley.chat.netty.NettyConfig;
import dev.parley.chat.netty.Tls;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The pipeline of every connection: HTTP until the WebSocket upgrade, then validated, size-limited,
 * reassembled frames for the endpoint handler. The endpoint is pluggable so that the WebSocket
 * compliance tests run this same pipeline with an echo endpoint.
 */
final class ServerInitializer extends ChannelInitializer<Channel> {
  private static final String HTTP_TIMEOUT = "http-timeout";
  private static final String HTTP_BODY_LIMIT = "http-body-limit";
  private static final String HTTP_HANDLER = "http-handler";
  private static final String HALF_CLOSE = "half-close";
  private static final String WS_PROTOCOL = "ws-protocol";
  /** The name Netty's handshaker gives the frame encoder it adds. */
  private static final String WS_ENCODER = "wsencoder";
  /** Where Netty's protocol handler keeps the handshaker, which only its close handling reads. */
  private static final AttributeKey<WebSocketServerHandshaker> HANDSHAKER =
      AttributeKey.valueOf(WebSocketServerHandshaker.class, "HANDSHAKER");

  private final NettyConfig config;
  private final StaticFiles staticFiles;
  private final ChannelGroup channels;
  private final Supplier<ChannelHandler> endpoint;
  private final List<EngineIoServer> engines;
  private final WebSocketServerProtocolConfig protocolConfig;
  private final Map<EngineIoServer, WebSocketServerProtocolConfig> engineProtocolConfigs = new HashMap<>();
  private final int maxHttpBody;
  private final HttpRoutes routes;
  private final ConnectionLimits limits;
  private final SslContext ssl;

  /**
   * @param endpoint handlers for the JSON endpoint at {@link NettyConfig#path()}, or {@code null} for none
   * @param engines Engine.IO servers, each at its own path
   */
  public ServerInitializer(
      NettyConfig config, ChannelGroup channels, Supplier<ChannelHandler> endpoint, List<EngineIoServer> engines) {
    this(config, channels, endpoint, engines, null);
  }

  /** As above, with the application's HTTP routes ({@code null} for none). */
  public ServerInitializer(NettyConfig config, ChannelGroup channels, Supplier<ChannelHandler> endpoint,
      List<EngineIoServer> engines, HttpRoutes routes) {
    this.ssl = config.tls() == null ? null : sslContext(config.tls());
    this.routes = routes;
    this.config = config;
    this.limits = new ConnectionLimits(config);
    this.channels = channels;
    this.endpoint = endpoint;
    this.engines = List.copyOf(engines);
    this.staticFiles = config.staticResources() == null
        ? null
        : new StaticFiles(config.staticResources(), Thread.currentThread().getContextClassLoader());
    this.protocolConfig = protocolConfig(config, config.path(), config.maxFrameBytes());
    int body = 8192;
    for (EngineIoServer engine : this.engines) {
      // As Socket.IO's maxHttpBufferSize: Engine.IO's maxPayload bounds a message on either
      // transport, a long-polling body and a WebSocket message after reassembly alike; the JSON
      // endpoint's maxFrameBytes plays no part.
      engineProtocolConfigs.put(engine, protocolConfig(config, engine.settings().path(), engine.settings().maxPayload()));
      body = Math.max(body, engine.settings().maxPayload());
    }
    this.maxHttpBody = body;
  }

  /** Reads the certificate chain and key; the JDK's TLS needs nothing more for PKCS#8 keys. */
  private static SslContext sslContext(Tls tls) {
    try {
      return SslContextBuilder.forServer(tls.certificateChain().toFile(), tls.privateKey().toFile()).build();
    } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot read the TLS certificate chain " + tls.certificateChain()
          + " and PKCS#8 private key " + tls.privateKey() + ": " + e.getMessage(), e);
    }
  }

  private static WebSocketServerProtocolConfig protocolConfig(NettyConfig config, String path, int maxMessageBytes) {
    return WebSocketServerProtocolConfig.newBuilder()
        .websocketPath(path)
        // HttpRequestHandler only passes on requests whose path is exactly the endpoint's; this lets
        // a query string through ("/chat?token=...").
        .checkStartsWith(true)
        .handshakeTimeoutMillis(config.handshakeTimeout().toMillis())
        .dropPongFrames(false)
        .handleCloseFrames(false)
        // Netty would otherwise add "1000 Bye" to every close, masking the 1002/1007 its decoder
        // chose; Parley sends its own close frames wherever it closes on purpose.
        .sendCloseFrame(null)
        .decoderConfig(WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(maxMessageBytes)
            // Reserved bits only with per-message compression, whose guard refuses them unless the
            // client negotiated it (PerMessageDeflate).
            .allowExtensions(config.perMessageDeflate())
            .allowMaskMismatch(false)
            // MessageAssembler checks text instead: Netty's validator would be one more handler,
            // with its context, in every connection's pipeline.
            .withUTF8Validator(false)
            .closeOnProtocolViolation(true)
            .build())
        .build();
  }

  @Override
  protected void initChannel(Channel ch) {
    channels.add(ch);
    ChannelPipeline p = ch.pipeline();
    ConnectionLimits.Verdict verdict = limits.accepted(ch);
    if (verdict == ConnectionLimits.Verdict.DROPPED) {
      ch.close();
      return;
    }
    if (ssl != null) {
      // First in the pipeline, refusals included, so that everything after it speaks plain HTTP.
      SslHandler tls = ssl.newHandler(ch.alloc());
      tls.setHandshakeTimeoutMillis(config.handshakeTimeout().toMillis());
      p.addLast("tls", tls);
    }
    if (verdict != ConnectionLimits.Verdict.ADMITTED) {
      p.addLast("http", new HttpServerCodec(4096, 8192, 8192));
      p.addLast("refuser", new Refuser(verdict, config.handshakeTimeout().toMillis()));
      return;
    }
    p.addLast(HTTP_TIMEOUT, new IdleStateHandler(0, 0, config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS));
    p.addLast("http", new HttpServerCodec(4096, 8192, 8192));
    // A client that half-closes after its request still gets the answer; HalfClose closes after it.
    ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    p.addLast(HALF_CLOSE, new HalfClose());
    // BodyLimit refuses a declared Content-Length over the path's limit (maxPayload for long-polling,
    // maxFrameBytes elsewhere) before the body is read; the aggregator bounds every body, chunked
    // ones included, by the larger of 8 KiB and maxPayload.
    p.addLast(HTTP_BODY_LIMIT, new BodyLimit(config, engines));
    p.addLast("http-aggregator", new HttpObjectAggregator(maxHttpBody));
    p.addLast(HTTP_HANDLER, new HttpRequestHandler(config, staticFiles, endpoint != null, engines, this, routes, limits));
  }

  /** Adds the WebSocket handlers for the JSON endpoint, then hands the upgrade request on to them. */
  void upgradeToJson(ChannelHandlerContext ctx, FullHttpRequest request) {
    upgrade(ctx, request, protocolConfig, endpoint.get(), config.maxFrameBytes());
  }

  /**
   * Adds the WebSocket handlers for Engine.IO, then hands the upgrade request on to them; {@code
   * handshake} is the request's, as the engine read it.
   */
  void upgradeToEngineIo(ChannelHandlerContext ctx, FullHttpRequest request, EngineIoServer engine, Handshake handshake) {
    WebSocketServerProtocolConfig protocol = engineProtocolConfigs.get(engine);
    upgrade(ctx, request, protocol, new EngineIoFrameHandler(engine, handshake),
        protocol.decoderConfig().maxFramePayloadLength());
  }

  private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, WebSocketServerProtocolConfig protocol,
      ChannelHandler end, int maxMessageBytes) {
    FullHttpResponse refusal = UpgradeCheck.refusal(request.headers());
    if (refusal != null) {
      HttpRequestHandler.send(ctx, request, refusal, false);
      return;
    }
    ChannelPipeline p = ctx.pipeline();
    if (config.perMessageDeflate()) {
      PerMessageDeflate.install(p, maxMessageBytes, "ws-aggregator");
    }
    p.addLast(WS_PROTOCOL, new WebSocketServerProtocolHandler(protocol));
    p.addLast("ws-aggregator", new MessageAssembler(maxMessageBytes, config.pingTimeout()));
    p.addLast("endpoint", end);
    ctx.fireChannelRead(request.retain());
  }

  /** A long-poll may wait a whole ping interval; the HTTP-phase timeout must outlast it. */
  void longPolling(ChannelPipeline pipeline, EngineIoServer engine) {
    if (pipeline.get(HTTP_TIMEOUT) instanceof IdleStateHandler idle
        && idle.getAllIdleTimeInMillis() == config.handshakeTimeout().toMillis()) {
      long millis = engine.settings().pingIntervalMillis() + engine.settings().pingTimeoutMillis()
          + config.handshakeTimeout().toMillis();
      pipeline.replace(HTTP_TIMEOUT, HTTP_TIMEOUT, new IdleStateHandler(0, 0, millis, TimeUnit.MILLISECONDS));
    }
  }

  /**
   * Called by the endpoint when the upgrade is done: the HTTP-phase handlers no longer apply, and
   * each would otherwise stay in every WebSocket connection's pipeline for its whole life. Once the
   * 101 has answered the upgrade, no request is left to answer, so {@link HalfClose} would close at
   * once on the end of input: the channel stops allowing half closure, which makes Netty do the same
   * without a handler.
   *
   * <p>Netty's protocol handler goes too, with the handshaker it keeps in the channel's attributes:
   * with the configuration above, all it does after the handshake is answer pings (which
   * {@link MessageAssembler} does instead), pass pongs and close frames on (the endpoint handles
   * both), close the channel after an exception reached the endpoint (every endpoint closes on its
   * own), and refuse writes after a close frame (Parley's {@link OutboundQueue} stops before its
   * close frame, and the assembler sends no pong after one).
   *
   * <p>The frame encoder the handshaker made for the connection gives way to one that every
   * connection shares: a server's encoder keeps no state (it masks nothing).
   */
  public static void upgraded(ChannelPipeline pipeline) {
    Channel channel = pipeline.channel();
    if (pipeline.get(HALF_CLOSE) != null) {
      channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
    }
    for (String name : new String[] {HTTP_TIMEOUT, HTTP_BODY_LIMIT, HTTP_HANDLER, HALF_CLOSE, WS_PROTOCOL}) {
      if (pipeline.get(name) != null) {
        pipeline.remove(name);
      }
    }
    if (channel.hasAttr(HANDSHAKER)) {
      removeAttribute(channel);
    }
    ChannelHandler encoder = pipeline.get(WS_ENCODER);
    if (encoder instanceof WebSocket13FrameEncoder && encoder != SharedEncoder.INSTANCE) {
      pipeline.replace(WS_ENCODER, WS_ENCODER, SharedEncoder.INSTANCE);
    }
  }

  /** Netty's server frame encoder, one for every connection. */
  @ChannelHandler.Sharable
  static final class SharedEncoder extends WebSocket13FrameEncoder {
    static final SharedEncoder INSTANCE = new SharedEncoder();

    private SharedEncoder() {
      super(false); // servers do not mask
    }
  }

  @SuppressWarnings("deprecation") // the one way to drop an attribute's entry, not only its value
  private static void removeAttribute(Channel channel) {
    channel.attr(HANDSHAKER).remove();
  }
}
