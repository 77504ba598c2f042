package dev.parley.chat.netty.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-polling side of a session: packets waiting for a poll, bounded in bytes, and the poll
 * waiting for packets. The payload's format is {@link PollingPayload}'s. On the session's loop only.
 */
final class LongPoll {
  private static final Logger log = LoggerFactory.getLogger(LongPoll.class);

  private final EngineSession session;
  /** A session on WebSocket never fills it, so it starts at its smallest. */
  private final ArrayDeque<EngineFrame> queue = new ArrayDeque<>(1);
  private long queuedBytes;
  /** Volatile so that {@link EngineIoServer#hasPendingPoll} may read it from any thread. */
  private volatile ChannelHandlerContext waiting;
  private boolean waitingKeepAlive;
  /** Ends the session if the waiting poll's connection drops; removed once the poll is answered. */
  private GenericFutureListener<Future<? super Void>> dropped;

  LongPoll(EngineSession session) {
    this.session = session;
  }

  /** The poll waiting for packets, or null. */
  ChannelHandlerContext waiting() {
    return waiting;
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /**
   * Queues a packet and answers a waiting poll. False, with the queue emptied, when the packets
   * waiting exceed the session's bound: the client reads too slowly and the session must end.
   */
  boolean add(EngineFrame frame) {
    int max = session.server.settings().maxQueuedBytes();
    queue.add(frame);
    // As on WebSocket: a frame over the bound counts as half of it.
    queuedBytes += Math.min(frame.size(), max / 2);
    if (queuedBytes > max) {
      log.info("closing session {}: more than {} bytes waiting for a poll", session.id(), max);
      session.server.slowConsumer().run();
      clear();
      return false;
    }
    flush();
    return true;
  }

  /** Answers the waiting poll with the queued packets, if there are both. */
  void flush() {
    if (waiting != null && !queue.isEmpty()) {
      answer(takePayload());
    }
  }

  /** The queued packets as one payload, emptying the queue; "" when none wait. */
  String takePayload() {
    String payload = queue.isEmpty() ? "" : PollingPayload.encode(queue);
    clear();
    return payload;
  }

  /** The queued packets, emptying the queue: they move to the WebSocket. */
  List<EngineFrame> takeAll() {
    List<EngineFrame> frames = new ArrayList<>(queue);
    clear();
    return frames;
  }

  private void clear() {
    queue.clear();
    queuedBytes = 0;
  }

  /** Parks a poll until there is something to answer; the session ends if its connection drops. */
  void park(ChannelHandlerContext ctx, boolean keepAlive) {
    waiting = ctx;
    waitingKeepAlive = keepAlive;
    dropped = f -> session.loop().execute(() -> {
      if (waiting == ctx) {
        waiting = null;
        dropped = null;
        session.closing.close(CloseReason.POLL_CANCELLED, false);
      }
    });
    ctx.channel().closeFuture().addListener(dropped);
  }

  /** Answers the waiting poll; its connection may then serve further requests. */
  void answer(String body) {
    boolean keepAlive = waitingKeepAlive;
    EngineHttp.text(take(), body, "text/plain; charset=UTF-8", keepAlive, session.server.cors(), session.handshake());
  }

  /** Takes the waiting poll, to be answered by the caller. */
  ChannelHandlerContext take() {
    ChannelHandlerContext ctx = waiting;
    waiting = null;
    ctx.channel().closeFuture().removeListener(dropped);
    dropped = null;
    return ctx;
  }
}
