package dev.parley.chat.bench;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatServer;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ClientSession;

/** The real DefaultChatServer, built through the public API, set up so that only the work is measured. */
final class Servers {
  private Servers() {}

  /**
   * A server whose hooks and requests run on the calling thread, with no rate limit in reach and no
   * presence events.
   */
  static ChatServer server(int historySize) {
    ChatConfig config = ChatConfig.builder()
        .historySize(historySize)
        .requestsPerSecond(Integer.MAX_VALUE)
        .requestBurst(Integer.MAX_VALUE)
        .announcePresence(false)
        .build();
    return ChatServer.builder().config(config).hookExecutor(Runnable::run).build();
  }

  /** Opens a session on {@code connection} and joins {@code room} as {@code user}. */
  static ClientSession join(ChatServer server, CountingConnection connection, String room, String user) {
    ClientSession session = server.open(connection);
    session.receive(new ClientRequest.Join(null, room, user));
    if (connection.closed || !server.members(room).contains(user)) {
      throw new IllegalStateException(user + " could not join " + room);
    }
    return session;
  }
}
