package dev.parley.chat.netty.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A session's transport state machine: which transport carries it (polling, upgrading, WebSocket,
 * closed), where an outgoing packet goes in each state, and what each incoming request, frame and
 * packet does in each. On the session's loop only.
 */
final class EngineTransport {
  private static final long UPGRADE_POLL_GRACE_MILLIS = 50;

  private final EngineSession session;

  EngineTransport(EngineSession session) {
    this.session = session;
  }

  /** The session is open: on {@code websocket} with its queue, or polling when that is null. */
  void opened(Channel websocket, OutboundQueue out) {
    if (websocket != null) {
      session.wsChannel = websocket;
      session.ws = out;
      session.order.publish(out);
    }
    session.heartbeat.start();
    session.server.listener().onOpen(session);
  }

  // ------------------------------------------------------------------ outgoing

  void enqueue(List<EngineFrame> frames) {
    if (session.state == EngineSession.State.WEBSOCKET) {
      if (!write(session.ws, frames)) {
        session.closing.close(CloseReason.TRANSPORT_ERROR, false);
      }
    } else {
      frames.forEach(this::enqueue);
    }
  }

  void enqueue(EngineFrame frame) {
    switch (session.state) {
      case WEBSOCKET -> {
        if (!write(session.ws, frame)) {
          session.closing.close(CloseReason.TRANSPORT_ERROR, false);
        }
      }
      case POLLING, UPGRADING -> {
        if (!session.poll().add(frame)) {
          session.closing.close(CloseReason.TRANSPORT_ERROR, false);
        }
      }
      case CLOSED -> { }
    }
  }

  private static boolean write(OutboundQueue out, EngineFrame frame) {
    return out.frame(frame.webSocketFrame());
  }

  /** Writes frames to a WebSocket's queue as one unit, never split; false if the queue refused them. */
  static boolean write(OutboundQueue out, List<EngineFrame> frames) {
    if (frames.size() == 1) {
      return write(out, frames.get(0));
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

  // ------------------------------------------------------------------ long-polling requests

  void onPoll(ChannelHandlerContext ctx, boolean keepAlive) {
    EngineSession.State state = session.state;
    if (state == EngineSession.State.CLOSED && session.closing.answerWithLastWords(ctx, keepAlive)) {
      return;
    }
    if (state == EngineSession.State.CLOSED || state == EngineSession.State.WEBSOCKET) {
      EngineHttp.error(ctx, EngineHttp.Error.BAD_REQUEST, session.server.cors(), session.handshake());
      return;
    }
    if (session.poll().waiting() != null) {
      // Two GETs at once: the client is confused or hostile. The reference server ends the session.
      EngineHttp.error(ctx, EngineHttp.Error.BAD_REQUEST, session.server.cors(), session.handshake());
      session.closing.close(CloseReason.POLL_OVERLAP, false);
      return;
    }
    session.poll().park(ctx, keepAlive);
    if (session.upgrade().underWay()) {
      // The client is moving to the WebSocket: this poll only needs ending, with a noop a moment
      // from now (the reference server checks every 100 ms). The moment lets a "5" that the client
      // sent first, but that travels on another connection, complete the upgrade; then this poll
      // came after the upgrade and is refused, as it would be had it arrived later.
      session.loop().schedule(() -> {
        if (session.poll().waiting() == ctx && session.upgrade().underWay()) {
          enqueue(EngineFrame.NOOP);
        }
      }, UPGRADE_POLL_GRACE_MILLIS, TimeUnit.MILLISECONDS);
      return;
    }
    session.poll().flush();
  }

  void onPost(ChannelHandlerContext ctx, String body, boolean keepAlive) {
    if (session.state == EngineSession.State.CLOSED || session.state == EngineSession.State.WEBSOCKET) {
      EngineHttp.error(ctx, EngineHttp.Error.BAD_REQUEST, session.server.cors(), session.handshake());
      return;
    }
    List<Object> packets = PollingPayload.decode(body);
    if (packets == null) {
      EngineHttp.error(ctx, EngineHttp.Error.BAD_REQUEST, session.server.cors(), session.handshake());
      session.closing.close(CloseReason.PARSE_ERROR, false);
      return;
    }
    EngineHttp.text(ctx, "ok", "text/html", keepAlive, session.server.cors(), session.handshake());
    for (Object packet : packets) {
      if (session.state == EngineSession.State.CLOSED) {
        return;
      }
      if (packet instanceof byte[] data) {
        session.server.listener().onBinary(session, data);
      } else {
        onPacket((String) packet);
      }
    }
  }

  /** A text packet from the active transport. */
  private void onPacket(String packet) {
    char type = packet.charAt(0);
    switch (type) {
      case '1' -> session.closing.close(CloseReason.CLIENT_CLOSE, true);
      case '2' -> enqueue(EngineFrame.PONG);
      case '3' -> session.heartbeat.onPong();
      case '4' -> session.server.listener().onMessage(session, packet.substring(1));
      case '6' -> { }
      default -> session.closing.close(CloseReason.PARSE_ERROR, false);
    }
  }

  // ------------------------------------------------------------------ WebSocket frames

  void onWsText(Channel channel, String text) {
    if (session.isProbe(channel)) {
      session.upgrade().onText(text);
      return;
    }
    if (channel != session.wsChannel || session.state != EngineSession.State.WEBSOCKET) {
      return;
    }
    if (text.isEmpty()) {
      session.closing.close(CloseReason.PARSE_ERROR, false);
      return;
    }
    onPacket(text);
  }

  void onWsBinary(Channel channel, byte[] data) {
    if (channel == session.wsChannel && session.state == EngineSession.State.WEBSOCKET) {
      session.server.listener().onBinary(session, data);
    } else if (session.isProbe(channel)) {
      session.upgrade().abort();
    }
  }

  void onWsClosed(Channel channel) {
    if (session.isProbe(channel)) {
      session.upgrade().abort();
    } else if (channel == session.wsChannel) {
      session.closing.close(CloseReason.TRANSPORT_CLOSE, false);
    }
  }

  /** The probe completed: the session moves to {@code websocket}, with what waited for a poll. */
  void upgraded(Channel websocket, OutboundQueue out) {
    session.state = EngineSession.State.WEBSOCKET;
    session.wsChannel = websocket;
    session.ws = out;
    if (session.poll().waiting() != null) {
      // A poll sent after the client's "5": refused, as if it had arrived later. Answered from the
      // WebSocket's loop after its queued frames, so the client sees "3probe" first.
      ChannelHandlerContext ctx = session.poll().take();
      websocket.eventLoop().execute(() -> {
        out.drain();
        EngineHttp.error(ctx, EngineHttp.Error.BAD_REQUEST, session.server.cors(), session.handshake());
      });
    }
    session.poll().takeAll().forEach(this::enqueue);
    if (!session.closing.afterUpgrade()) {
      // Published last: senders on other threads write directly only after the queued packets.
      // Not at all when a close waits: nothing sent after it may overtake it.
      session.order.publish(out);
    }
  }
}
