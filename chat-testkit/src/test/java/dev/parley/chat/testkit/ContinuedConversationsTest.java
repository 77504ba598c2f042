package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatServer;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ClientSession;
import dev.parley.chat.spi.ServerEvent;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection that continues another ({@link dev.parley.chat.spi.ClientConnection#continues()}, Socket.IO's connection
 * state recovery) takes on the conversations the earlier one may mark read: for the same user only.
 */
class ContinuedConversationsTest {
  private ChatServer server;

  @AfterEach
  void close() {
    server.close();
  }

  /** A connection, and the session the server opened for it. */
  private record Connection(SpiConnection spi, ClientSession session) {
    <T extends ServerEvent> T next(Class<T> type) throws InterruptedException {
      return spi.nextEvent(type);
    }
  }

  /** Opens a connection and joins the lobby as {@code user}; returns it with its welcome's connection id. */
  private Connection joined(String user, String continues) throws InterruptedException {
    SpiConnection spi = new SpiConnection(continues);
    Connection c = new Connection(spi, server.open(spi));
    c.next(ServerEvent.Welcome.class);
    c.session.receive(new ClientRequest.Join("j", "lobby", user, null));
    c.next(ServerEvent.Joined.class);
    return c;
  }

  @Test
  void theSameUsersNextConnectionMayMarkReadWhatTheDroppedOneWasHanded_anotherUsersMayNot() throws Exception {
    server = ChatServer.builder().config(ChatConfig.builder().announcePresence(false).build()).build();
    Connection alice = joined("alice", null);
    Connection wire = joined("wire", null);
    alice.session.receive(new ClientRequest.SendPrivate("p", "wire", "psst", null));
    String pm = wire.next(ServerEvent.Message.class).message().id();
    String dropped = wire.session.id();
    wire.session.closed();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.onlineUsers().contains("wire") && System.nanoTime() < deadline) {
      Thread.onSpinWait(); // until the close was handled: what it kept is what the next one takes
    }
    assertThat(server.onlineUsers()).doesNotContain("wire");

    Connection mallory = joined("mallory", dropped); // its recovery failed, say, and it joined afresh
    mallory.session.receive(new ClientRequest.Read("r", null, "alice", pm));
    assertThat(mallory.next(ServerEvent.Error.class).code()).isEqualTo(ErrorCodes.UNKNOWN_MESSAGE);

    Connection back = joined("wire", dropped);
    back.session.receive(new ClientRequest.Read("r", null, "alice", pm));
    assertThat(alice.next(ServerEvent.Read.class)).isEqualTo(new ServerEvent.Read(null, "wire", "alice", pm));
  }

  @Test
  void aConnectionThatTakesOverAnOpenOneOfAnotherUserLearnsNothingOfItsConversations() throws Exception {
    server = ChatServer.builder().config(ChatConfig.builder().announcePresence(false).build()).build();
    Connection alice = joined("alice", null);
    Connection wire = joined("wire", null);
    alice.session.receive(new ClientRequest.SendPrivate("p", "wire", "psst", null));
    String pm = wire.next(ServerEvent.Message.class).message().id();

    Connection mallory = joined("mallory", wire.session.id());
    mallory.session.receive(new ClientRequest.Read("r", null, "alice", pm));
    assertThat(mallory.next(ServerEvent.Error.class).code()).isEqualTo(ErrorCodes.UNKNOWN_MESSAGE);

    Connection returning = joined("wire", wire.session.id()); // its client went away unnoticed
    returning.session.receive(new ClientRequest.Read("r", null, "alice", pm));
    assertThat(alice.next(ServerEvent.Read.class)).isEqualTo(new ServerEvent.Read(null, "wire", "alice", pm));
  }
}
