package dev.parley.chat.netty.internal;

import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.Handshake;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The Engine.IO v4 server: validates requests as the reference server does, runs the long-polling
 * transport, and hands WebSocket upgrades to the pipeline. Sessions live in a map keyed by their
 * random, unguessable id.
 */
public final class EngineIoServer {
  /**
   * Engine.IO settings.
   *
   * @param path request path, for example {@code /socket.io/}
   * @param pingIntervalMillis how often the server pings
   * @param pingTimeoutMillis how long the client has to answer
   * @param maxPayload largest HTTP long-polling body accepted, announced in the handshake
   * @param upgradeTimeoutMillis how long an upgrade from polling to WebSocket may take
   * @param maxQueuedBytes bytes that may wait for a client before it is dropped
   * @param allowedOrigins origins allowed (CORS and WebSocket); empty means same-origin only
   */
  public record Settings(
      String path,
      long pingIntervalMillis,
      long pingTimeoutMillis,
      int maxPayload,
      long upgradeTimeoutMillis,
      int maxQueuedBytes,
      Set<String> allowedOrigins) {}

  private final Settings settings;
  private final EngineListener listener;
  private final Cors cors;
  private final ConcurrentHashMap<String, EngineSession> sessions = new ConcurrentHashMap<>();
  /** By event loop, its sessions that wait for their next ping. */
  private final ConcurrentHashMap<EventLoop, Heartbeat.Pings> pings = new ConcurrentHashMap<>();
  private final ChatMetrics metrics;
  private final Runnable slowConsumer;
  /** The socket.io client files served under the path, or null when not served. */
  private final ClientBundle client;
  /** What follows the session id in the open packet of a session on long-polling, and on WebSocket. */
  private final String openPollingTail;
  private final String openWebSocketTail;

  public EngineIoServer(Settings settings, EngineListener listener) {
    this(settings, listener, ChatMetrics.NONE);
  }

  /** As above, reporting its sessions as {@link ChatMetrics.Protocol#SOCKET_IO} connections. */
  public EngineIoServer(Settings settings, EngineListener listener, ChatMetrics metrics) {
    this(settings, listener, metrics, false);
  }

  /**
   * As above, also serving the socket.io client bundle ({@code socket.io.js} and the others) under
   * the path if {@code serveClient}; the bundle is read here, on the caller's thread, not on an event
   * loop.
   */
  public EngineIoServer(Settings settings, EngineListener listener, ChatMetrics metrics, boolean serveClient) {
    this.client = serveClient ? ClientBundle.get().orElse(null) : null;
    this.settings = settings;
    this.listener = listener;
    this.cors = new Cors(settings.allowedOrigins());
    this.metrics = metrics;
    this.slowConsumer = () -> metrics.slowConsumerClosed(ChatMetrics.Protocol.SOCKET_IO);
    this.openPollingTail = openTail(settings, "[\"websocket\"]");
    this.openWebSocketTail = openTail(settings, "[]");
  }

  /** The open packet but its session id is the same for every session: written once, not per handshake. */
  private static String openTail(Settings settings, String upgrades) {
    return "\",\"upgrades\":" + upgrades
        + ",\"pingInterval\":" + settings.pingIntervalMillis()
        + ",\"pingTimeout\":" + settings.pingTimeoutMillis()
        + ",\"maxPayload\":" + settings.maxPayload() + "}";
  }

  ChatMetrics metrics() {
    return metrics;
  }

  /** Runs when a session is dropped for reading too slowly. */
  Runnable slowConsumer() {
    return slowConsumer;
  }

  /** The sessions of {@code loop} that wait for their next ping; used on that loop only. */
  Heartbeat.Pings pings(EventLoop loop) {
    Heartbeat.Pings p = pings.get(loop);
    return p != null ? p : pings.computeIfAbsent(loop, Heartbeat.Pings::new);
  }

  public Settings settings() {
    return settings;
  }

  EngineListener listener() {
    return listener;
  }

  Cors cors() {
    return cors;
  }

  /**
   * Answers a request for one of the socket.io client files under this server's path, if {@code
   * path} names one and the server serves them.
   *
   * @return whether it did
   */
  boolean serveClient(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
    if (client == null || !path.startsWith(settings.path())) {
      return false;
    }
    String name = path.substring(settings.path().length());
    if (!client.has(name)) {
      return false;
    }
    client.serve(ctx, request, name);
    return true;
  }

  /** Whether a request path is this server's. */
  public boolean matches(String path) {
    return path.equals(settings.path()) || (path + "/").equals(settings.path());
  }

  /**
   * Handles an HTTP request for this server's path on the channel's event loop. A valid WebSocket
   * upgrade is passed to {@code upgrade}, with the request's handshake, which hands it to the
   * WebSocket handshake: the session the upgrade opens keeps that handshake rather than reading the
   * request again.
   */
  public void handle(ChannelHandlerContext ctx, FullHttpRequest request, Consumer<Handshake> upgrade,
      Runnable pollingStarted) {
    Handshake handshake = Handshakes.of(ctx.channel(), request.uri(), request.headers());
    String origin = request.headers().get(HttpHeaderNames.ORIGIN);
    if (request.method().equals(HttpMethod.OPTIONS)) {
      preflight(ctx, request, handshake, origin);
      return;
    }
    String transport = handshake.query("transport").orElse(null);
    String sid = handshake.query("sid").orElse(null);
    boolean isUpgrade = request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    if (!"polling".equals(transport) && !"websocket".equals(transport)) {
      EngineHttp.error(ctx, EngineHttp.Error.UNKNOWN_TRANSPORT, cors, handshake);
      return;
    }
    if (origin != null && !cors.originAllowed(origin, handshake)) {
      EngineHttp.error(ctx, EngineHttp.Error.FORBIDDEN, cors, handshake);
      return;
    }
    if (!"4".equals(handshake.query("EIO").orElse(null))) {
      EngineHttp.error(ctx, EngineHttp.Error.UNSUPPORTED_PROTOCOL_VERSION, cors, handshake);
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (sid != null) {
      EngineSession session = sessions.get(sid);
      if (session == null) {
        EngineHttp.error(ctx, EngineHttp.Error.UNKNOWN_SID, cors, handshake);
      } else if (isUpgrade) {
        if (transport.equals("websocket")) {
          // A session that cannot upgrade (already on WebSocket) gets the upgrade and an immediate
          // close, as the reference server does: clients see a clean close, not an HTTP error.
          session.loop().execute(() -> session.upgrade().announce());
          upgrade.accept(handshake);
        } else {
          EngineHttp.error(ctx, EngineHttp.Error.BAD_REQUEST, cors, handshake);
        }
      } else if (!transport.equals("polling")) {
        EngineHttp.error(ctx, EngineHttp.Error.BAD_REQUEST, cors, handshake);
      } else if (request.method().equals(HttpMethod.GET)) {
        pollingStarted.run();
        // Always through the loop's task queue, never inline: that keeps requests in order with
        // what other connections queued for this session before them (an announced upgrade).
        session.loop().execute(() -> session.transport.onPoll(ctx, keepAlive));
      } else if (request.method().equals(HttpMethod.POST)) {
        String body = request.content().toString(StandardCharsets.UTF_8);
        session.loop().execute(() -> session.transport.onPost(ctx, body, keepAlive));
      } else {
        EngineHttp.error(ctx, EngineHttp.Error.BAD_REQUEST, cors, handshake);
      }
      return;
    }
    if (!request.method().equals(HttpMethod.GET)) {
      EngineHttp.error(ctx, EngineHttp.Error.BAD_HANDSHAKE_METHOD, cors, handshake);
    } else if (transport.equals("websocket")) {
      if (isUpgrade) {
        upgrade.accept(handshake);
      } else {
        EngineHttp.error(ctx, EngineHttp.Error.BAD_REQUEST, cors, handshake);
      }
    } else if (isUpgrade) {
      EngineHttp.error(ctx, EngineHttp.Error.BAD_REQUEST, cors, handshake);
    } else {
      pollingStarted.run();
      EngineSession session = newSession(ctx.channel().eventLoop(), handshake, EngineSession.State.POLLING);
      EngineHttp.text(ctx, openPacket(session, true), "text/plain; charset=UTF-8", keepAlive, cors, handshake);
      session.transport.opened(null, null);
    }
  }

  private void preflight(ChannelHandlerContext ctx, FullHttpRequest request, Handshake handshake, String origin) {
    boolean allowed = origin != null && cors.originAllowed(origin, handshake);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        allowed ? HttpResponseStatus.NO_CONTENT : HttpResponseStatus.FORBIDDEN, Unpooled.EMPTY_BUFFER);
    if (allowed) {
      response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS");
      String headers = request.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
      if (headers != null) {
        response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, headers);
      }
      response.headers().set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, 600);
    }
    EngineHttp.send(ctx, response, HttpUtil.isKeepAlive(request), cors, handshake);
  }

  EngineSession newSession(EventLoop loop, Handshake handshake, EngineSession.State state) {
    String id = RandomIds.next();
    EngineSession session = new EngineSession(id, loop, handshake, this, state);
    sessions.put(id, session);
    metrics.connectionOpened(ChatMetrics.Protocol.SOCKET_IO);
    return session;
  }

  EngineSession session(String id) {
    return sessions.get(id);
  }

  void remove(EngineSession session) {
    sessions.remove(session.id(), session);
  }

  String openPacket(EngineSession session, boolean polling) {
    return "0{\"sid\":\"" + session.id() + (polling ? openPollingTail : openWebSocketTail);
  }

  /**
   * Closes every session, for shutdown: waiting polls get a close packet, WebSockets close 1001.
   * Completes once every session has done so (its answers are written before its connections close).
   */
  public java.util.concurrent.CompletableFuture<Void> closeAll() {
    java.util.concurrent.CompletableFuture<?>[] closed = List.copyOf(sessions.values()).stream()
        .map(s -> {
          java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
          s.loop().execute(() -> {
            s.closing.close(CloseReason.SERVER_SHUTTING_DOWN, false);
            done.complete(null);
          });
          return done;
        })
        .toArray(java.util.concurrent.CompletableFuture[]::new);
    return java.util.concurrent.CompletableFuture.allOf(closed);
  }

  /**
   * Whether a long-poll of this session is waiting for data. Package-private: only tests ask,
   * through their helper in this package, to know a poll reached the server before they go on.
   */
  boolean hasPendingPoll(String sid) {
    EngineSession s = sessions.get(sid);
    return s != null && s.pollWaiting();
  }

  /** Whether this session exists and is not closed. Package-private, as {@link #hasPendingPoll}. */
  boolean isOpen(String sid) {
    EngineSession s = sessions.get(sid);
    return s != null && s.isOpen();
  }

  public int sessionCount() {
    return sessions.size();
  }
}
