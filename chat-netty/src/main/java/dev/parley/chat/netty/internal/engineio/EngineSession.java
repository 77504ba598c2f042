package dev.parley.chat.netty.internal.engineio;

import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.Handshake;
import dev.parley.chat.netty.internal.OutboundQueue;
import dev.parley.chat.spi.CloseCodes;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Engine.IO session (protocol v4): long-polling, WebSocket, or polling being upgraded to
 * WebSocket. All state is confined to one event loop: requests and frames arriving on other
 * channels hop onto it, so nothing here needs a lock.
 */
public final class EngineSession {
  private static final Logger log = LoggerFactory.getLogger(EngineSession.class);

  enum State { POLLING, UPGRADING, WEBSOCKET, CLOSED }

  private static final long UPGRADE_POLL_GRACE_MILLIS = 50;

  /** The close reason of a Socket.IO disconnect by the server, whose packet must still reach the client. */
  public static final String SERVER_DISCONNECT = "server namespace disconnect";

  private final String id;
  private final EventLoop loop;
  private final Handshake handshake;
  private final EngineIoServer server;
  /** Written on the loop only; volatile so that tests and metrics may read it. */
  private volatile State state;

  /** Long-polling only; a session on WebSocket never fills it, so it starts at its smallest. */
  private final ArrayDeque<EngineFrame> pollQueue = new ArrayDeque<>(1);
  private long pollQueueBytes;
  /** Written on the loop only; volatile so that tests and metrics may read it. */
  private volatile ChannelHandlerContext pendingPoll;
  private boolean pendingPollKeepAlive;
  /** Ends the session if the waiting poll's connection drops; removed once the poll is answered. */
  private io.netty.util.concurrent.GenericFutureListener<io.netty.util.concurrent.Future<? super Void>> pollDropped;

  private Channel wsChannel;
  private OutboundQueue ws;
  /** {@link #ws} while the session is on WebSocket, for senders on any thread; else null. */
  private volatile OutboundQueue direct;
  /** Tasks sent to the loop by {@link #hop} that have not finished; senders queue behind them. */
  private final AtomicInteger hops = new AtomicInteger();
  /** On the loop: a hop is running, so what it sends goes out now, in its place, not behind later hops. */
  private boolean inHop;
  private Channel probeChannel;
  private OutboundQueue probe;
  /** The poll waiting when the upgrade began, which the probe releases. */
  private ChannelHandlerContext pollBeforeUpgrade;
  /** A WebSocket upgrade for this session is under way, from before its 101 was sent. */
  private boolean upgradeAnnounced;
  private ScheduledFuture<?> upgradeTimer;

  private ScheduledFuture<?> pingTimer;
  private ScheduledFuture<?> pongTimer;
  /**
   * Payloads for the polls that follow the server's close of a polling session, one per poll: the
   * packets still queued, then the close packet. Null until such a close.
   */
  private ArrayDeque<String> lastWords;
  /** A close the server asked for while the client was busy upgrading; done once the upgrade ends. */
  private String closeAfterUpgrade;

  /** The layer above: Socket.IO's per-session state. Touched only on {@link #loop()}. */
  public Object attachment;

  EngineSession(String id, EventLoop loop, Handshake handshake, EngineIoServer server, State state) {
    this.id = id;
    this.loop = loop;
    this.handshake = handshake;
    this.server = server;
    this.state = state;
  }

  public String id() {
    return id;
  }

  public EventLoop loop() {
    return loop;
  }

  public Handshake handshake() {
    return handshake;
  }

  boolean hasPendingPoll() {
    return pendingPoll != null;
  }

  boolean isPolling() {
    return state == State.POLLING;
  }

  public boolean isOpen() {
    return state != State.CLOSED;
  }

  /**
   * Runs a task on this session's loop: at once when called there (no hop, so frames and requests
   * arriving on the loop's own channels keep their order), else queued to it.
   */
  void run(Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
    } else {
      loop.execute(task);
    }
  }

  /**
   * Sends a packet; safe from any thread. Packets keep the order in which they were sent from any
   * mix of threads: see {@link #send(List)}.
   */
  public void send(EngineFrame frame) {
    send(List.of(frame));
  }

  /**
   * Sends several packets in order; safe from any thread. On an open WebSocket they go straight to
   * its queue, which any thread may fill, and skip a hop through the loop per recipient of a
   * broadcast. While a hop is still waiting (sent before the upgrade ended, or a close), they queue
   * behind it instead, so nothing overtakes what was sent before it.
   */
  public void send(List<EngineFrame> frames) {
    if (loop.inEventLoop() && inHop) {
      enqueue(frames); // sent from a hop, at its place in the order
      return;
    }
    OutboundQueue out = direct;
    if (out != null && hops.get() == 0) {
      offer(out, frames);
    } else {
      hop(() -> enqueue(frames));
    }
  }

  /**
   * Sends a packet only if the client can take it at once, else drops it for good (Socket.IO's
   * volatile emits); safe from any thread. It can on WebSocket when nothing waits to be written and
   * the connection takes more, on long-polling when a poll waits with nothing queued, never during
   * an upgrade. Decided in the packet's place in the order of what this thread sends.
   */
  public void sendVolatile(List<EngineFrame> frames) {
    if (loop.inEventLoop() && inHop) {
      if (takesNow()) {
        enqueue(frames);
      }
      return;
    }
    OutboundQueue out = direct;
    if (out != null && hops.get() == 0) {
      if (out.idle()) {
        offer(out, frames);
      }
    } else {
      hop(() -> {
        if (takesNow()) {
          enqueue(frames);
        }
      });
    }
  }

  /** On the loop: whether a packet sent now would go out at once (see {@link #sendVolatile}). */
  private boolean takesNow() {
    return switch (state) {
      case WEBSOCKET -> ws.idle();
      case POLLING -> pendingPoll != null && pollQueue.isEmpty();
      case UPGRADING, CLOSED -> false;
    };
  }

  /**
   * Runs a task on the loop in order with the packets sent before and after it from the same
   * thread; safe from any thread. For what must not be overtaken, such as a Socket.IO disconnect.
   */
  public void runInOrder(Runnable task) {
    hop(task);
  }

  /** Closes the session after the packets sent before; safe from any thread. */
  public void close(String reason) {
    hop(() -> close(reason, false));
  }

  /** Runs a task on the loop, counted in {@link #hops} until it has run. */
  private void hop(Runnable task) {
    hops.incrementAndGet();
    loop.execute(() -> {
      inHop = true;
      try {
        task.run();
      } finally {
        inHop = false;
        hops.decrementAndGet();
      }
    });
  }

  /** A packet of several frames (an event and its binary attachments) is queued as one, never split. */
  private void offer(OutboundQueue out, List<EngineFrame> frames) {
    if (!add(out, frames)) {
      hop(() -> close("transport error", false));
    }
  }

  private static boolean add(OutboundQueue out, EngineFrame frame) {
    return out.frame(frame.webSocketFrame());
  }

  private static boolean add(OutboundQueue out, List<EngineFrame> frames) {
    if (frames.size() == 1) {
      return add(out, frames.get(0));
    }
    byte[][] payloads = new byte[frames.size()][];
    boolean[] binary = new boolean[frames.size()];
    for (int i = 0; i < payloads.length; i++) {
      EngineFrame f = frames.get(i);
      binary[i] = f.isBinary();
      payloads[i] = binary[i] ? f.binaryData() : f.utf8();
    }
    return out.together(payloads, binary);
  }

  // ------------------------------------------------------------------ on the loop

  void opened(Channel websocket, OutboundQueue out) {
    if (websocket != null) {
      wsChannel = websocket;
      ws = out;
      direct = out;
    }
    schedulePing();
    server.listener().onOpen(this);
  }

  private void enqueue(List<EngineFrame> frames) {
    if (state == State.WEBSOCKET) {
      if (!add(ws, frames)) {
        close("transport error", false);
      }
    } else {
      frames.forEach(this::enqueue);
    }
  }

  private void enqueue(EngineFrame frame) {
    switch (state) {
      case WEBSOCKET -> {
        if (!add(ws, frame)) {
          close("transport error", false);
        }
      }
      case POLLING, UPGRADING -> {
        pollQueue.add(frame);
        // As on WebSocket: a frame over the bound counts as half of it.
        pollQueueBytes += Math.min(frame.size(), server.settings().maxQueuedBytes() / 2);
        if (pollQueueBytes > server.settings().maxQueuedBytes()) {
          log.info("closing session {}: more than {} bytes waiting for a poll", id, server.settings().maxQueuedBytes());
          server.slowConsumer().run();
          pollQueue.clear();
          close("transport error", false);
          return;
        }
        flushPoll();
      }
      case CLOSED -> { }
    }
  }

  private void flushPoll() {
    if (pendingPoll == null || pollQueue.isEmpty()) {
      return;
    }
    String payload = pollPayload();
    pollQueue.clear();
    pollQueueBytes = 0;
    answerPoll(payload);
  }

  /** Answers the waiting poll; its connection may then serve further requests. */
  private void answerPoll(String body) {
    ChannelHandlerContext ctx = pendingPoll;
    pendingPoll = null;
    ctx.channel().closeFuture().removeListener(pollDropped);
    pollDropped = null;
    EngineHttp.text(ctx, body, "text/plain; charset=UTF-8", pendingPollKeepAlive, server.cors(), handshake);
  }

  /** The queued packets as one long-polling payload. */
  private String pollPayload() {
    return PollingPayload.encode(pollQueue);
  }

  void onPoll(ChannelHandlerContext ctx, boolean keepAlive) {
    if (state == State.CLOSED && lastWords != null && !lastWords.isEmpty()) {
      EngineHttp.text(ctx, lastWords.poll(), "text/plain; charset=UTF-8", keepAlive, server.cors(), handshake);
      if (lastWords.isEmpty()) {
        server.remove(this);
      }
      return;
    }
    if (state == State.CLOSED || state == State.WEBSOCKET) {
      EngineHttp.error(ctx, EngineHttp.Error.BAD_REQUEST, server.cors(), handshake);
      return;
    }
    if (pendingPoll != null) {
      // Two GETs at once: the client is confused or hostile. The reference server ends the session.
      EngineHttp.error(ctx, EngineHttp.Error.BAD_REQUEST, server.cors(), handshake);
      close("poll overlap", false);
      return;
    }
    pendingPoll = ctx;
    pendingPollKeepAlive = keepAlive;
    pollDropped = f -> loop.execute(() -> {
      if (pendingPoll == ctx) {
        pendingPoll = null;
        pollDropped = null;
        close("poll request cancelled", false);
      }
    });
    ctx.channel().closeFuture().addListener(pollDropped);
    if (state == State.UPGRADING || upgradeAnnounced) {
      // The client is moving to the WebSocket: this poll only needs ending, with a noop a moment
      // from now (the reference server checks every 100 ms). The moment lets a "5" that the client
      // sent first, but that travels on another connection, complete the upgrade; then this poll
      // came after the upgrade and is refused, as it would be had it arrived later.
      loop.schedule(() -> {
        if (pendingPoll == ctx && (state == State.UPGRADING || upgradeAnnounced)) {
          enqueue(EngineFrame.NOOP);
        }
      }, UPGRADE_POLL_GRACE_MILLIS, TimeUnit.MILLISECONDS);
      return;
    }
    flushPoll();
  }

  void onPost(ChannelHandlerContext ctx, String body, boolean keepAlive) {
    if (state == State.CLOSED || state == State.WEBSOCKET) {
      EngineHttp.error(ctx, EngineHttp.Error.BAD_REQUEST, server.cors(), handshake);
      return;
    }
    List<Object> packets = PollingPayload.decode(body);
    if (packets == null) {
      EngineHttp.error(ctx, EngineHttp.Error.BAD_REQUEST, server.cors(), handshake);
      close("parse error", false);
      return;
    }
    EngineHttp.text(ctx, "ok", "text/html", keepAlive, server.cors(), handshake);
    for (Object packet : packets) {
      if (state == State.CLOSED) {
        return;
      }
      if (packet instanceof byte[] data) {
        server.listener().onBinary(this, data);
      } else {
        onPacket((String) packet, true);
      }
    }
  }

  /** A text packet from the active transport. */
  private void onPacket(String packet, boolean polling) {
    char type = packet.charAt(0);
    switch (type) {
      case '1' -> close("client close", true);
      case '2' -> enqueue(EngineFrame.PONG);
      case '3' -> {
        if (pongTimer != null) {
          pongTimer.cancel(false);
          pongTimer = null;
          schedulePing();
        }
      }
      case '4' -> server.listener().onMessage(this, packet.substring(1));
      case '6' -> { }
      default -> close("parse error", false);
    }
  }

  private void schedulePing() {
    long interval = server.settings().pingIntervalMillis();
    // The deadline counts from when the ping was due, so a late timer does not stretch it.
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(interval + server.settings().pingTimeoutMillis());
    pingTimer = loop.schedule(() -> {
      if (state == State.CLOSED) {
        return;
      }
      enqueue(EngineFrame.PING);
      pongTimer = loop.schedule(() -> close("ping timeout", false),
          Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }, interval, TimeUnit.MILLISECONDS);
  }

  // ------------------------------------------------------------------ WebSocket frames

  void onWsText(Channel channel, String text) {
    if (channel == probeChannel) {
      if (text.equals("2probe")) {
        probe.text("3probe".getBytes(StandardCharsets.UTF_8));
        if (probeChannel.eventLoop().inEventLoop()) {
          probe.drain(); // before anything this task answers on other connections
        }
        // Release the poll that was waiting when the upgrade began, so the client can move on.
        if (pendingPoll != null && pendingPoll == pollBeforeUpgrade) {
          enqueue(EngineFrame.NOOP);
        }
      } else if (text.equals("5")) {
        completeUpgrade();
      } else {
        abortUpgrade();
      }
      return;
    }
    if (channel != wsChannel || state != State.WEBSOCKET) {
      return;
    }
    if (text.isEmpty()) {
      close("parse error", false);
      return;
    }
    onPacket(text, false);
  }

  void onWsBinary(Channel channel, byte[] data) {
    if (channel == wsChannel && state == State.WEBSOCKET) {
      server.listener().onBinary(this, data);
    } else if (channel == probeChannel) {
      abortUpgrade();
    }
  }

  void onWsClosed(Channel channel) {
    if (channel == probeChannel) {
      abortUpgrade();
    } else if (channel == wsChannel) {
      close("transport close", false);
    }
  }

  /**
   * A WebSocket handshake for this session arrived and is about to be answered: from now on a new
   * poll is the client's last before it moves (see {@link #onPoll}). Called before the 101 goes out,
   * so it is ordered before anything the client sends after seeing it.
   */
  void upgradeAnnounced() {
    if (state != State.POLLING || upgradeAnnounced) {
      return;
    }
    upgradeAnnounced = true;
    pollBeforeUpgrade = pendingPoll;
    loop.schedule(() -> {
      if (state == State.POLLING) {
        upgradeAnnounced = false; // the handshake never completed
      }
    }, server.settings().upgradeTimeoutMillis(), TimeUnit.MILLISECONDS);
  }

  boolean beginUpgrade(Channel channel, OutboundQueue out) {
    if (state != State.POLLING) {
      return false;
    }
    if (!upgradeAnnounced) {
      pollBeforeUpgrade = pendingPoll;
    }
    upgradeAnnounced = false;
    state = State.UPGRADING;
    probeChannel = channel;
    probe = out;
    upgradeTimer = loop.schedule(this::abortUpgrade, server.settings().upgradeTimeoutMillis(), TimeUnit.MILLISECONDS);
    return true;
  }

  private void completeUpgrade() {
    if (state != State.UPGRADING) {
      return;
    }
    upgradeTimer.cancel(false);
    state = State.WEBSOCKET;
    wsChannel = probeChannel;
    ws = probe;
    probeChannel = null;
    probe = null;
    if (pendingPoll != null) {
      // A poll sent after the client's "5": refused, as if it had arrived later. Answered from the
      // WebSocket's loop after its queued frames, so the client sees "3probe" first.
      ChannelHandlerContext ctx = pendingPoll;
      pendingPoll = null;
      ctx.channel().closeFuture().removeListener(pollDropped);
      pollDropped = null;
      OutboundQueue out = ws;
      wsChannel.eventLoop().execute(() -> {
        out.drain();
        EngineHttp.error(ctx, EngineHttp.Error.BAD_REQUEST, server.cors(), handshake);
      });
    }
    List<EngineFrame> waiting = new ArrayList<>(pollQueue);
    pollQueue.clear();
    pollQueueBytes = 0;
    waiting.forEach(this::enqueue);
    if (closeAfterUpgrade == null) {
      // Published last: senders on other threads write directly only after the queued packets.
      // Not at all when a close waits: nothing sent after it may overtake it.
      direct = ws;
    }
    if (closeAfterUpgrade != null) {
      close(closeAfterUpgrade, false);
    }
  }

  private void abortUpgrade() {
    if (state != State.UPGRADING) {
      return;
    }
    state = State.POLLING;
    if (upgradeTimer != null) {
      upgradeTimer.cancel(false);
    }
    OutboundQueue p = probe;
    probeChannel = null;
    probe = null;
    p.closeNow(CloseCodes.NORMAL, "upgrade aborted");
    if (closeAfterUpgrade != null) {
      close(closeAfterUpgrade, false);
    }
  }

  /**
   * Ends the session. A poll that is waiting gets a noop when the client asked to close, a close
   * packet otherwise.
   */
  void close(String reason, boolean byClient) {
    if (state == State.CLOSED) {
      return;
    }
    if (state == State.UPGRADING && !byClient && !pollQueue.isEmpty()
        && !reason.equals("ping timeout") && !reason.equals("server shutting down")) {
      // The client stopped polling to probe the WebSocket: the queued packets (a Socket.IO
      // disconnect, say) can only reach it once the upgrade ends, which the upgrade timeout bounds.
      closeAfterUpgrade = reason;
      return;
    }
    boolean upgrading = state == State.UPGRADING;
    state = State.CLOSED;
    direct = null;
    if (pingTimer != null) {
      pingTimer.cancel(false);
    }
    if (pongTimer != null) {
      pongTimer.cancel(false);
    }
    if (upgradeTimer != null) {
      upgradeTimer.cancel(false);
    }
    String terminal = byClient ? "6" : "1";
    String queued = pollQueue.isEmpty() ? "" : pollPayload();
    // A Socket.IO disconnect and the close packet never share a payload: socket.io-client handles a
    // payload's close at once and its other packets a tick later, so the application would be told
    // "transport close" instead of "io server disconnect". As engine.io does, the close follows in
    // the next poll.
    boolean disconnectFirst = !queued.isEmpty() && reason.equals(SERVER_DISCONNECT);
    if (pendingPoll != null && !disconnectFirst) {
      answerPoll(queued.isEmpty() ? terminal : queued + '\u001e' + terminal);
      server.remove(this);
    } else if (pendingPoll != null) {
      answerPoll(queued);
      lastWords = new ArrayDeque<>(List.of(terminal));
      loop.schedule(() -> server.remove(this), server.settings().pingTimeoutMillis(), TimeUnit.MILLISECONDS);
    } else if (ws == null && (byClient || disconnectFirst)) {
      // A poll may be on its way: it gets the last words (a Socket.IO disconnect, then the close),
      // or the noop that ends a poll racing the client's own close; later polls get "Session ID
      // unknown".
      lastWords = new ArrayDeque<>(disconnectFirst ? List.of(queued, terminal)
          : List.of(queued.isEmpty() ? terminal : queued + '\u001e' + terminal));
      loop.schedule(() -> server.remove(this), server.settings().pingTimeoutMillis(), TimeUnit.MILLISECONDS);
    } else {
      server.remove(this);
    }
    pollQueue.clear();
    if (ws != null) {
      ws.close(reason.equals("server shutting down") ? CloseCodes.GOING_AWAY : CloseCodes.NORMAL, "");
    }
    if (upgrading && probe != null) {
      probe.closeNow(CloseCodes.NORMAL, "");
    }
    log.debug("session {} closed: {}", id, reason);
    server.metrics().connectionClosed(ChatMetrics.Protocol.SOCKET_IO);
    server.listener().onClose(this, reason);
  }
}
