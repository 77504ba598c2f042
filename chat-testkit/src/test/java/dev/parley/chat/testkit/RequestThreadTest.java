package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatServer;
import dev.parley.chat.Decision;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ClientSession;
import dev.parley.chat.spi.ServerEvent;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where a request runs, as docs/hooks-and-threading.md says: on the transport's thread that received
 * it when no hook can block it (no hooks, the in-process engine, the in-memory store), which saves two
 * thread hand-offs per request; on the hook executor as soon as the application has a hook.
 */
class RequestThreadTest {
  private ChatServer server;

  @AfterEach
  void close() {
    if (server != null) {
      server.close();
    }
  }

  private static String joinedOn(ChatServer server) throws InterruptedException {
    SpiConnection connection = new SpiConnection();
    ClientSession session = server.open(connection);
    connection.next(ServerEvent.Welcome.class);
    session.receive(new ClientRequest.Join("1", "lobby", "ada", null));
    return connection.next(ServerEvent.Joined.class).thread();
  }

  @Test
  void withoutHooks_aRequestIsHandledOnTheThreadThatReceivedIt() throws Exception {
    server = ChatServer.builder().build();
    SpiConnection connection = new SpiConnection();
    ClientSession session = server.open(connection);
    connection.next(ServerEvent.Welcome.class);

    // The connection's acceptance runs on the hook executor and sends the welcome before its turn
    // ends: a request that comes meanwhile waits behind it there, in order. Once the acceptance is
    // over, requests run where they arrive.
    String thread = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (int i = 0; System.nanoTime() < deadline && !Thread.currentThread().getName().equals(thread); i++) {
      session.receive(new ClientRequest.Join(String.valueOf(i), "room" + i, "ada", null));
      thread = connection.next(ServerEvent.Joined.class).thread();
    }
    assertThat(thread).isEqualTo(Thread.currentThread().getName());
  }

  @Test
  void withAHook_aRequestIsHandledOnTheHookExecutor_soTheHookMayBlock() throws Exception {
    server = ChatServer.builder().onJoin(room -> Decision.accept()).build();

    assertThat(joinedOn(server)).isNotEqualTo(Thread.currentThread().getName()).startsWith("parley-hook-");
  }
}
