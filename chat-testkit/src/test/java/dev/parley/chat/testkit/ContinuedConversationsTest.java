package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatServer;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.Handshake;
import dev.parley.chat.spi.ClientConnection;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ClientSession;
import dev.parley.chat.spi.ServerEvent;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection that continues another ({@link ClientConnection#continues()}, Socket.IO's connection
 * state recovery) takes on the conversations the earlier one may mark read: for the same user only.
 */
class ContinuedConversationsTest {
  private ChatServer server;

  @AfterEach
  void close() {
    server.close();
  }

  /** A transport's connection, which may say it continues an earlier one. */
  private static final class Connection implements ClientConnection {
    final BlockingQueue<ServerEvent> events = new LinkedBlockingQueue<>();
    private final String continues;
    ClientSession session;

    Connection(String continues) {
      this.continues = continues;
    }

    @Override
    public Handshake handshake() {
      return Handshake.empty();
    }

    @Override
    public String continues() {
      return continues;
    }

    @Override
    public boolean send(ServerEvent event) {
      events.add(event);
      return true;
    }

    @Override
    public void close(int code, String reason) {}

    <T extends ServerEvent> T next(Class<T> type) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        ServerEvent e = events.poll(100, TimeUnit.MILLISECONDS);
        if (type.isInstance(e)) {
          return type.cast(e);
        }
      }
      throw new AssertionError("no " + type.getSimpleName() + " within 10 s");
    }
  }

  /** Opens a connection and joins the lobby as {@code user}; returns it with its welcome's connection id. */
  private Connection joined(String user, String continues) throws InterruptedException {
    Connection c = new Connection(continues);
    c.session = server.open(c);
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
