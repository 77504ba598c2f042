package dev.parley.chat.netty.internal;

import dev.parley.chat.Handshake;
import dev.parley.chat.spi.ClientConnection;
import dev.parley.chat.spi.ClientSession;
import dev.parley.chat.spi.ServerEvent;

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
    // Encoding happens on the sending thread; a fan-out hands every member the same event in a row,
    // so JsonProtocol's per-thread cache encodes it once.
    if (event instanceof ServerEvent.Cleared) {
      return !out.isClosing(); // the JSON protocol's clear has no reply of its own: cleared says it
    }
    return !out.isClosing() && out.text(protocol.encode(event));
  }

  @Override
  public void close(int code, String reason) {
    out.close(code, reason);
  }
}
