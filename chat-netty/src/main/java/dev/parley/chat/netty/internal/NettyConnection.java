package dev.parley.chat.netty.internal;

import dev.parley.chat.Handshake;
import dev.parley.chat.spi.ClientConnection;
import dev.parley.chat.spi.ClientSession;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.spi.SharedEvent;

/** One JSON-protocol WebSocket client as the chat server sees it. */
final class NettyConnection implements ClientConnection {
  private final Handshake handshake;
  private final JsonProtocol protocol;
  private final OutboundQueue out;
  private volatile ClientSession session;

  NettyConnection(Handshake handshake, JsonProtocol protocol, OutboundQueue out) {
    this.handshake = handshake;
    this.protocol = protocol;
    this.out = out;
  }

  void session(ClientSession session) {
    this.session = session;
  }

  ClientSession session() {
    return session;
  }

  OutboundQueue out() {
    return out;
  }

  @Override
  public Handshake handshake() {
    return handshake;
  }

  @Override
  public boolean send(ServerEvent event) {
    if (event instanceof ServerEvent.Cleared) {
      return !out.isClosing(); // the JSON protocol's clear has no reply of its own: cleared says it
    }
    return !out.isClosing() && out.text(protocol.encode(event));
  }

  /** Encoded and framed by the first recipient of the fan-out, on its thread; the others share it. */
  @Override
  public boolean send(SharedEvent event) {
    if (event.event() instanceof ServerEvent.Cleared) {
      return !out.isClosing();
    }
    return !out.isClosing() && out.frame(event.encoded(protocol.frames()));
  }

  @Override
  public void close(int code, String reason) {
    out.close(code, reason);
  }
}
