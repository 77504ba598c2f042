package dev.parley.chat.netty.internal;

import dev.parley.chat.spi.CloseCodes;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The upgrade of a polling session to WebSocket: the WebSocket handshake announced, the probe
 * ({@code 2probe}, {@code 3probe}), then the client's {@code 5} that completes it, or a timeout, an
 * unexpected frame or a closed probe that aborts it. On the session's loop only.
 */
final class UpgradeProbe {
  private final EngineSession session;
  private Channel channel;
  private OutboundQueue out;
  /** The poll waiting when the upgrade began, which the probe releases. */
  private ChannelHandlerContext pollBefore;
  /** A WebSocket upgrade for this session is under way, from before its 101 was sent. */
  private boolean announced;
  private ScheduledFuture<?> timer;

  UpgradeProbe(EngineSession session) {
    this.session = session;
  }

  /** Whether the client is moving to a WebSocket: announced, or probing. */
  boolean underWay() {
    return session.state == EngineSession.State.UPGRADING || announced;
  }

  boolean isProbe(Channel c) {
    return c == channel;
  }

  /**
   * A WebSocket handshake for this session arrived and is about to be answered: from now on a new
   * poll is the client's last before it moves (see {@link EngineTransport#onPoll}). Called before
   * the 101 goes out, so it is ordered before anything the client sends after seeing it.
   */
  void announce() {
    if (session.state != EngineSession.State.POLLING || announced) {
      return;
    }
    announced = true;
    pollBefore = session.poll().waiting();
    session.loop().schedule(() -> {
      if (session.state == EngineSession.State.POLLING) {
        announced = false; // the handshake never completed
      }
    }, session.server.settings().upgradeTimeoutMillis(), TimeUnit.MILLISECONDS);
  }

  /** The WebSocket is open and may probe; false if this session cannot upgrade. */
  boolean begin(Channel probeChannel, OutboundQueue probe) {
    if (session.state != EngineSession.State.POLLING) {
      return false;
    }
    if (!announced) {
      pollBefore = session.poll().waiting();
    }
    announced = false;
    session.state = EngineSession.State.UPGRADING;
    channel = probeChannel;
    out = probe;
    timer = session.loop().schedule(this::abort, session.server.settings().upgradeTimeoutMillis(), TimeUnit.MILLISECONDS);
    return true;
  }

  /** A text frame on the probe's WebSocket. */
  void onText(String text) {
    if (text.equals("2probe")) {
      out.text("3probe".getBytes(StandardCharsets.UTF_8));
      if (channel.eventLoop().inEventLoop()) {
        out.drain(); // before anything this task answers on other connections
      }
      // Release the poll that was waiting when the upgrade began, so the client can move on.
      ChannelHandlerContext waiting = session.poll().waiting();
      if (waiting != null && waiting == pollBefore) {
        session.transport.enqueue(EngineFrame.NOOP);
      }
    } else if (text.equals("5")) {
      complete();
    } else {
      abort();
    }
  }

  private void complete() {
    if (session.state != EngineSession.State.UPGRADING) {
      return;
    }
    timer.cancel(false);
    Channel c = channel;
    OutboundQueue o = out;
    channel = null;
    out = null;
    session.transport.upgraded(c, o);
  }

  void abort() {
    if (session.state != EngineSession.State.UPGRADING) {
      return;
    }
    session.state = EngineSession.State.POLLING;
    if (timer != null) {
      timer.cancel(false);
    }
    OutboundQueue p = out;
    channel = null;
    out = null;
    p.closeNow(CloseCodes.NORMAL, "upgrade aborted");
    session.closing.afterUpgrade();
  }

  /** The session closed mid-upgrade: the probe goes too. */
  void closed(boolean wasUpgrading) {
    if (timer != null) {
      timer.cancel(false);
    }
    if (wasUpgrading && out != null) {
      out.closeNow(CloseCodes.NORMAL, "");
    }
  }
}
