package dev.parley.chat.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.cluster.ClusterUnavailableException;
import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.history.InMemoryHistoryStore;
import dev.parley.chat.history.Retention;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.testkit.ChatTestKit;
import dev.parley.chat.testkit.TestClient;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the server could not tell the cluster while it was unreachable (Redis went away between a
 * join's {@code enter} and its presence entry; a leave's {@code exit}, a closed connection's name)
 * is told once it answers again: the other members learn of the change, and the cluster stops
 * counting a gone connection and holding its name. On the in-process engine, made to fail as an
 * unreachable Redis does.
 */
class ClusterOutageTest {
  /** The retry comes a second after the failure; this leaves room for a slow machine. */
  private static final Duration BACK = Duration.ofSeconds(10);
  /** The calls that fail while the cluster is "down": what a join's enter is followed by, and a leave. */
  private static final Set<String> FAILING = Set.of("publish", "exit", "release");

  private final AtomicBoolean down = new AtomicBoolean();
  private final HistoryStore store = new InMemoryHistoryStore(Retention.messages(101));
  private final ChatTestKit kit = ChatTestKit.create(b -> b.historyStore(store).cluster(flaky(ClusterEngine.inProcess(store))));

  @AfterEach
  void close() {
    kit.close();
  }

  /** The engine, but for the calls in {@link #FAILING}, which fail at once while {@link #down} is set. */
  private ClusterEngine flaky(ClusterEngine engine) {
    return (ClusterEngine) Proxy.newProxyInstance(ClusterEngine.class.getClassLoader(), new Class<?>[] {ClusterEngine.class},
        (proxy, method, args) -> {
          if (down.get() && FAILING.contains(method.getName())) {
            return CompletableFuture.failedFuture(new ClusterUnavailableException("Redis is unavailable", null));
          }
          try {
            return method.invoke(engine, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Test
  void aJoinsPresenceThatCouldNotBePublishedIsToldOnceTheClusterIsBack() {
    TestClient bob = kit.joined("lobby", "bob");

    down.set(true);
    TestClient alice = kit.joined("lobby", "alice"); // entered; its presence entry and notice fail
    assertThat(kit.server().members("lobby")).containsExactly("alice", "bob");
    down.set(false);

    ServerEvent told = bob.takeEvent(BACK);
    assertThat(told).isEqualTo(new ServerEvent.Presence("lobby", "alice", true));
    alice.assertNoMoreEvents(); // as for any join: the joiner is not told of itself
  }

  @Test
  void aLeaveThatCouldNotReachTheClusterIsMadeOnceItIsBack_presenceAndName() {
    TestClient bob = kit.joined("lobby", "bob");
    TestClient alice = kit.joined("lobby", "alice");
    bob.take(ServerEvent.Presence.class);
    bob.takeMessage(); // alice has joined

    down.set(true);
    alice.disconnect();
    alice.awaitClose();
    assertThat(kit.server().members("lobby")).as("while down: the cluster still counts her").contains("alice");
    down.set(false);

    assertThat(bob.takeEvent(BACK)).isEqualTo(new ServerEvent.Presence("lobby", "alice", false));
    assertThat(kit.server().members("lobby")).containsExactly("bob");
    TestClient again = kit.connect();
    again.join("lobby", "alice");
    assertThat(again.take(ServerEvent.Joined.class).user()).as("her name is free again").isEqualTo("alice");
  }

  @Test
  void aLaterChangeOvertakesWhatWasOwed_theRoomIsToldOnlyWhatHolds() {
    TestClient bob = kit.joined("lobby", "bob");

    down.set(true);
    TestClient alice = kit.joined("lobby", "alice"); // her "joined" is owed
    alice.disconnect(); // and overtaken: she is gone, though the cluster cannot be told yet
    alice.awaitClose();
    down.set(false);

    assertThat(bob.takeUntil(ServerEvent.Presence.class)).isEqualTo(new ServerEvent.Presence("lobby", "alice", false));
    assertThat(bob.skipped()).as("never told she joined").noneMatch(e -> e instanceof ServerEvent.Presence);
    assertThat(bob.takeMessage().text()).as("the live notice of what holds").isEqualTo("alice has left");
    kit.server().distributeMsg("lobby", "bot", "marker").toCompletableFuture().join();
    assertThat(bob.takeUntil(ServerEvent.Message.class).message().text()).isEqualTo("marker");
    assertThat(bob.skipped()).as("nor after").noneMatch(e -> e instanceof ServerEvent.Presence);
    assertThat(kit.server().members("lobby")).containsExactly("bob");
  }
}
