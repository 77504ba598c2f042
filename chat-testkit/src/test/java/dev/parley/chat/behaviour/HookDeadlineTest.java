package dev.parley.chat.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ConnectDecision;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.Handshake;
import dev.parley.chat.Decision;
import dev.parley.chat.MessageDecision;
import dev.parley.chat.spi.CloseCodes;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.testkit.ChatTestKit;
import dev.parley.chat.testkit.ManualClock;
import dev.parley.chat.testkit.TestClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Hooks that decide about a request are held to {@link ChatConfig#hookTimeout()}: past it the request
 * is refused with {@code HOOK_TIMEOUT}, and what the hook returns afterwards has no effect.
 */
class HookDeadlineTest {
  private static final Duration TIMEOUT = ChatConfig.defaults().hookTimeout();

  /** A hook that takes longer than the deadline, by the kit's clock (the kit never sleeps). */
  private static void outliveTheDeadline(AtomicReference<ManualClock> clock) {
    clock.get().advance(TIMEOUT.plusMillis(1));
  }

  @Test
  void aConnectHookThatMissesItsDeadlineRefusesTheConnection_andItsLateAcceptHasNoEffect() {
    AtomicReference<ManualClock> clock = new AtomicReference<>();
    try (ChatTestKit kit = ChatTestKit.create(b -> b.onConnect(h -> {
      if (h.query("slow").isPresent()) {
        outliveTheDeadline(clock);
      }
      return ConnectDecision.acceptAs("alice");
    }))) {
      clock.set(kit.clock());
      TestClient late = kit.open(new Handshake("10.0.0.1:5000", "/chat", Map.of("slow", List.of("1")), Map.of()));

      assertThat(late.takeError().code()).isEqualTo(ErrorCodes.HOOK_TIMEOUT);
      assertThat(late.awaitClose()).isEqualTo(CloseCodes.POLICY_VIOLATION);
      late.assertNoMoreEvents(); // no late welcome
      assertThat(kit.server().onlineUsers()).isEmpty(); // the name it returned was never claimed

      TestClient inTime = kit.connect();
      assertThat(inTime.welcomeUser()).isEqualTo("alice");
    }
  }

  @Test
  void aJoinHookThatMissesItsDeadlineRefusesTheJoin() {
    AtomicReference<ManualClock> clock = new AtomicReference<>();
    try (ChatTestKit kit = ChatTestKit.create(b -> b.onJoin(join -> {
      if (join.room().equals("slow")) {
        outliveTheDeadline(clock);
      }
      return Decision.accept();
    }))) {
      clock.set(kit.clock());
      TestClient alice = kit.connect().join("slow", "alice");

      assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.HOOK_TIMEOUT);
      assertThat(kit.server().members("slow")).isEmpty();
      alice.assertNoMoreEvents(); // no late joined

      alice.join("fast");
      assertThat(alice.take(ServerEvent.Joined.class).room()).isEqualTo("fast");
    }
  }

  @Test
  void aMessageHookThatMissesItsDeadlineRefusesTheMessage() {
    AtomicReference<ManualClock> clock = new AtomicReference<>();
    try (ChatTestKit kit = ChatTestKit.create(b -> b.onMessage(m -> {
      if (m.message().text().equals("slow")) {
        outliveTheDeadline(clock);
      }
      return MessageDecision.accept();
    }))) {
      clock.set(kit.clock());
      TestClient alice = kit.connect().join("lobby", "alice");
      alice.take(ServerEvent.Joined.class);
      TestClient bob = kit.connect().join("lobby", "bob");
      bob.take(ServerEvent.Joined.class);
      alice.takeUntil(ServerEvent.Presence.class);
      alice.takeMessage(); // "bob has joined"

      alice.send("lobby", "slow").send("lobby", "fast");

      assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.HOOK_TIMEOUT);
      assertThat(bob.takeMessage().text()).isEqualTo("fast");
    }
  }

  /** With a real executor: the hook never returns in time, and the timer answers in its place. */
  @Test
  void aConnectHookThatBlocksIsRefusedAtItsDeadline_andReturningLaterChangesNothing() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService hookThread = Executors.newSingleThreadExecutor();
    try (ChatTestKit kit = ChatTestKit.create(b -> b
        .hookExecutor(hookThread)
        .config(ChatConfig.builder().hookTimeout(Duration.ofMillis(50)).build())
        .onConnect(h -> {
          release.await();
          return ConnectDecision.acceptAs("alice");
        }))) {
      TestClient blocked = kit.open(Handshake.empty());

      ServerEvent.Error error = blocked.takeError();
      assertThat(error.code()).isEqualTo(ErrorCodes.HOOK_TIMEOUT);
      assertThat(error.message()).isEqualTo("The server did not decide about the connection in time");
      assertThat(blocked.awaitClose()).isEqualTo(CloseCodes.POLICY_VIOLATION);

      release.countDown();
      // The one hook thread runs this after the late hook and the connection's clean-up.
      hookThread.submit(() -> {}).get(ChatTestKit.DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      blocked.assertNoMoreEvents();
      assertThat(kit.server().onlineUsers()).isEmpty();
    } finally {
      release.countDown();
      hookThread.shutdownNow();
    }
  }
}
