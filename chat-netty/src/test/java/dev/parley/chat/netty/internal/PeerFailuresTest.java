package dev.parley.chat.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class PeerFailuresTest {

  @Test
  void whatAPeerSendsOrDoesIsItsDoing() {
    assertThat(PeerFailures.causedByPeer(new IOException("Connection reset by peer"))).isTrue();
    assertThat(PeerFailures.causedByPeer(new TooLongFrameException("too long"))).isTrue();
    assertThat(PeerFailures.causedByPeer(new CorruptedFrameException("bad frame"))).isTrue();
    assertThat(PeerFailures.causedByPeer(
        new CorruptedWebSocketFrameException(WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "bad UTF-8"))).isTrue();
  }

  @Test
  void aBugInADecoder_thatNettyWrapsInADecoderException_isTheServers() {
    assertThat(PeerFailures.causedByPeer(new DecoderException(new NullPointerException()))).isFalse();
    assertThat(PeerFailures.causedByPeer(new DecoderException(new IOException("reset")))).isTrue();
  }
}
