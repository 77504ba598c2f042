package dev.parley.chat.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatException;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.Handshake;
import dev.parley.chat.spi.CloseCodes;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.testkit.ChatTestKit;
import dev.parley.chat.testkit.TestClient;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a closed server does: it refuses, with SERVER_CLOSED, everything that would use its parts. */
class LifecycleTest {
  private final AtomicInteger connectHooks = new AtomicInteger();
  private final ChatTestKit kit = ChatTestKit.create(b -> b
      .config(ChatConfig.builder().announcePresence(false).build())
      .onConnect(c -> {
        connectHooks.incrementAndGet();
        return dev.parley.chat.ConnectDecision.accept();
      }));

  @AfterEach
  void close() {
    kit.close();
  }

  private static void assertServerClosed(Throwable t) {
    assertThat(t).isInstanceOf(ChatException.class);
    assertThat(((ChatException) t).code()).isEqualTo(ErrorCodes.SERVER_CLOSED);
  }

  private static Throwable failure(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().join();
      throw new AssertionError("expected the stage to fail");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  @Test
  void aConnectionAfterTheClose_isRefusedWithServerClosed_andAskedToReconnectElsewhere() {
    kit.server().close();

    TestClient late = kit.open(Handshake.empty());

    ServerEvent.Error error = late.takeError();
    assertThat(error.code()).isEqualTo(ErrorCodes.SERVER_CLOSED);
    assertThat(error.requestId()).isNull();
    assertThat(late.awaitClose()).isEqualTo(CloseCodes.GOING_AWAY);
    assertThat(connectHooks).hasValue(0);
  }

  @Test
  void aRequestFromAConnectionStillOpen_isAnsweredWithServerClosed() {
    TestClient alice = kit.connect();
    alice.join("lobby", "alice");
    alice.take(ServerEvent.Joined.class);

    kit.server().close();
    alice.request(new dev.parley.chat.spi.ClientRequest.Send("m1", "lobby", "anyone?", null));

    ServerEvent.Error error = alice.takeError();
    assertThat(error.code()).isEqualTo(ErrorCodes.SERVER_CLOSED);
    assertThat(error.requestId()).isEqualTo("m1");
    alice.assertNoMoreEvents();
  }

  @Test
  void actionsAfterTheClose_failWithServerClosed_andQueriesThrowIt() {
    TestClient alice = kit.connect();
    alice.join("lobby", "alice");
    alice.take(ServerEvent.Joined.class);

    kit.server().close();

    assertServerClosed(failure(kit.server().distributeMsg("lobby", "bot", "hi")));
    assertServerClosed(failure(kit.server().broadcast("lobby", "hi")));
    assertServerClosed(failure(kit.server().sendPrivate("bot", "alice", "hi")));
    assertServerClosed(failure(kit.server().sendSystem(alice.connectionId(), "hi")));
    assertServerClosed(failure(kit.server().disconnect("alice", "bye")));
    assertServerClosed(failure(kit.server().clearHistory("lobby")));
    assertServerClosed(failure(kit.server().kick("lobby", "alice", null)));
    assertServerClosed(failure(kit.server().mute("lobby", "alice", Duration.ofMinutes(1), null)));
    assertServerClosed(failure(kit.server().unmute("lobby", "alice")));
    assertServerClosed(failure(kit.server().ban("lobby", "alice", null, null)));
    assertServerClosed(failure(kit.server().unban("lobby", "alice")));
    assertThatThrownBy(() -> kit.server().rooms()).satisfies(LifecycleTest::assertServerClosed);
    assertThatThrownBy(() -> kit.server().members("lobby")).satisfies(LifecycleTest::assertServerClosed);
    assertThatThrownBy(() -> kit.server().history("lobby")).satisfies(LifecycleTest::assertServerClosed);
    assertThatThrownBy(() -> kit.server().onlineUsers()).satisfies(LifecycleTest::assertServerClosed);
    alice.assertNoMoreEvents();
  }
}
