package dev.parley.chat.bench;

import dev.parley.chat.Handshake;
import dev.parley.chat.spi.ClientConnection;
import dev.parley.chat.spi.ServerEvent;

/**
 * A transport that sends nothing: it counts the events it is handed, by kind, so that a benchmark
 * can check it measured what it meant to. Used from the benchmark thread only.
 */
final class CountingConnection implements ClientConnection {
  private static final Handshake HANDSHAKE = Handshake.empty();

  long messages;
  long others;
  boolean closed;

  @Override
  public Handshake handshake() {
    return HANDSHAKE;
  }

  @Override
  public boolean send(ServerEvent event) {
    if (event instanceof ServerEvent.Message) {
      messages++;
    } else {
      others++;
    }
    return true;
  }

  @Override
  public void close(int code, String reason) {
    closed = true;
  }
}
