package dev.parley.chat.netty.internal;

import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.spi.CloseCodes;
import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a session: what a waiting poll is answered with, the "last words" that polls arriving after
 * the close still get, a close the server asked for while the client was busy upgrading, and when
 * the server forgets the session. On the session's loop only.
 */
final class SessionClose {
  private static final Logger log = LoggerFactory.getLogger(SessionClose.class);

  private final EngineSession session;
  /**
   * Payloads for the polls that follow the server's close of a polling session, one per poll: the
   * packets still queued, then the close packet. Null until such a close.
   */
  private ArrayDeque<String> lastWords;
  /** A close the server asked for while the client was busy upgrading; done once the upgrade ends. */
  private CloseReason afterUpgrade;

  SessionClose(EngineSession session) {
    this.session = session;
  }

  /** Answers a poll that came after the close with the next of its last words; false if none are left. */
  boolean answerWithLastWords(ChannelHandlerContext ctx, boolean keepAlive) {
    if (lastWords == null || lastWords.isEmpty()) {
      return false;
    }
    EngineHttp.text(ctx, lastWords.poll(), "text/plain; charset=UTF-8", keepAlive, session.server.cors(), session.handshake());
    if (lastWords.isEmpty()) {
      session.server.remove(session);
    }
    return true;
  }

  /** The upgrade ended one way or the other: a close that waited for it happens now. True if one did. */
  boolean afterUpgrade() {
    if (afterUpgrade == null) {
      return false;
    }
    close(afterUpgrade, false);
    return true;
  }

  /**
   * Ends the session. A poll that is waiting gets a noop when the client asked to close, a close
   * packet otherwise.
   */
  void close(CloseReason reason, boolean byClient) {
    EngineSession.State state = session.state;
    if (state == EngineSession.State.CLOSED) {
      return;
    }
    if (state == EngineSession.State.UPGRADING && !byClient && !session.poll().isEmpty()
        && reason != CloseReason.PING_TIMEOUT && reason != CloseReason.SERVER_SHUTTING_DOWN) {
      // The client stopped polling to probe the WebSocket: the queued packets (a Socket.IO
      // disconnect, say) can only reach it once the upgrade ends, which the upgrade timeout bounds.
      afterUpgrade = reason;
      return;
    }
    boolean upgrading = state == EngineSession.State.UPGRADING;
    session.state = EngineSession.State.CLOSED;
    session.order.withdraw();
    session.heartbeat.stop();
    String terminal = byClient ? "6" : "1";
    String queued = session.poll().takePayload();
    // A Socket.IO disconnect and the close packet never share a payload: socket.io-client handles a
    // payload's close at once and its other packets a tick later, so the application would be told
    // "transport close" instead of "io server disconnect". As engine.io does, the close follows in
    // the next poll.
    boolean disconnectFirst = !queued.isEmpty() && reason == CloseReason.SERVER_NAMESPACE_DISCONNECT;
    boolean pollWaiting = session.poll().waiting() != null;
    if (pollWaiting && !disconnectFirst) {
      session.poll().answer(queued.isEmpty() ? terminal : queued + PollingPayload.SEPARATOR + terminal);
      session.server.remove(session);
    } else if (pollWaiting) {
      session.poll().answer(queued);
      keepLastWords(List.of(terminal));
    } else if (session.ws == null && (byClient || disconnectFirst)) {
      // A poll may be on its way: it gets the last words (a Socket.IO disconnect, then the close),
      // or the noop that ends a poll racing the client's own close; later polls get "Session ID
      // unknown".
      keepLastWords(disconnectFirst ? List.of(queued, terminal)
          : List.of(queued.isEmpty() ? terminal : queued + PollingPayload.SEPARATOR + terminal));
    } else {
      session.server.remove(session);
    }
    if (session.ws != null) {
      session.ws.close(reason == CloseReason.SERVER_SHUTTING_DOWN ? CloseCodes.GOING_AWAY : CloseCodes.NORMAL, "");
    }
    session.upgradeClosed(upgrading);
    log.debug("session {} closed: {}", session.id(), reason);
    session.server.metrics().connectionClosed(ChatMetrics.Protocol.SOCKET_IO);
    session.server.listener().onClose(session, reason);
  }

  /** Polls get these until they run out or a ping timeout passes; then the session is forgotten. */
  private void keepLastWords(List<String> words) {
    lastWords = new ArrayDeque<>(words);
    session.loop().schedule(() -> session.server.remove(session),
        session.server.settings().pingTimeoutMillis(), TimeUnit.MILLISECONDS);
  }
}
