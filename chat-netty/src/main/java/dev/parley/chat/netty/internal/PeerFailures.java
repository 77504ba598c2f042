package dev.parley.chat.netty.internal;

import dev.parley.chat.internal.logging.LogText;
import io.netty.channel.Channel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import java.io.IOException;
import org.slf4j.Logger;

/**
 * Sorts the exceptions that reach the end of a pipeline. What a peer can cause (a reset, a
 * connection cut in the middle of a request or message, bytes that do not decode, a bad handshake)
 * is logged at DEBUG without a stack trace, so that no client can make the server log at WARN;
 * anything else is a bug of the server's and is logged at WARN with its stack trace.
 */
final class PeerFailures {
  private PeerFailures() {}

  /** Whether {@code cause} can be the peer's doing rather than a bug in the server. */
  public static boolean causedByPeer(Throwable cause) {
    // A decoder's own refusals (corrupt or over-long WebSocket frames) are DecoderExceptions without
    // a cause; Netty also wraps anything a decoder throws in one, so a wrapped cause must be the
    // peer's too. A connection closed while an HTTP request was being assembled is a
    // PrematureChannelClosureException.
    if (cause instanceof DecoderException decoder) {
      return decoder.getCause() == null || causedByPeer(decoder.getCause());
    }
    return cause instanceof IOException || cause instanceof PrematureChannelClosureException
        || cause instanceof WebSocketHandshakeException;
  }

  /**
   * Logs a failure that ends {@code channel}: DEBUG for a peer's, WARN with the stack trace for the
   * server's. Returns {@link #causedByPeer}.
   */
  public static boolean log(Logger log, Channel channel, Throwable cause) {
    if (causedByPeer(cause)) {
      // The message may quote what the peer sent.
      log.debug("closing {}: {}", channel.remoteAddress(), LogText.of(cause));
      return true;
    }
    log.warn("unexpected failure on {}; closing it", channel.remoteAddress(), cause);
    return false;
  }
}
