package dev.parley.chat.internal;

import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ClientSession;
import java.util.UUID;

/**
 * The session a closed server hands a connection it refused: it has already been sent {@code
 * SERVER_CLOSED} and asked to close, so what it still receives is dropped. Immutable.
 */
final class RefusedSession implements ClientSession {
  /** Unique like a session's, as transports may key their connections by it. */
  private final String id = UUID.randomUUID().toString();

  @Override
  public String id() {
    return id;
  }

  @Override
  public void receive(ClientRequest request) {}

  @Override
  public void closed() {}
}
