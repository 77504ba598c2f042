package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatServer;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.Decision;
import dev.parley.chat.MessageDecision;
import dev.parley.chat.MessageKind;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.monitoring.Health;
import dev.parley.chat.spi.ServerEvent;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** What the chat server reports to a {@link ChatMetrics} listener, and its health. */
class ChatMetricsTest {

  /** Records every report. */
  static final class Recording implements ChatMetrics {
    final Map<Gauge, List<LongSupplier>> gauges = new ConcurrentHashMap<>();
    final Map<MessageKind, AtomicInteger> received = new EnumMap<>(MessageKind.class);
    /** One entry per fan-out: the kind and how many connections it reached. */
    final List<String> fanOuts = new CopyOnWriteArrayList<>();
    final List<String> refusals = new CopyOnWriteArrayList<>();
    final List<Hook> hooks = new CopyOnWriteArrayList<>();
    final List<String> store = new CopyOnWriteArrayList<>();

    Recording() {
      for (MessageKind kind : MessageKind.values()) {
        received.put(kind, new AtomicInteger());
      }
    }

    @Override
    public void gauge(Gauge gauge, LongSupplier value) {
      gauges.computeIfAbsent(gauge, g -> new CopyOnWriteArrayList<>()).add(value);
    }

    long gauge(Gauge gauge) {
      return gauges.get(gauge).stream().mapToLong(LongSupplier::getAsLong).sum();
    }

    @Override
    public void messageReceived(MessageKind kind) {
      received.get(kind).incrementAndGet();
    }

    @Override
    public void delivered(MessageKind kind, int connections) {
      fanOuts.add(kind + "x" + connections);
    }

    @Override
    public void refused(String code) {
      refusals.add(code);
    }

    @Override
    public void hookCompleted(Hook hook, long nanos) {
      assertThat(nanos).isNotNegative();
      hooks.add(hook);
    }

    @Override
    public void storeCompleted(StoreOperation operation, long nanos, boolean failed) {
      store.add(operation + (failed ? " failed" : ""));
    }
  }

  @Test
  void withoutAListenerTheServerReportsToNone() {
    try (ChatTestKit kit = ChatTestKit.create()) {
      assertThat(kit.server().metrics()).isSameAs(ChatMetrics.NONE);
    }
  }

  @Test
  void countsMessagesInAndDeliveriesOutPerFanOut() {
    Recording metrics = new Recording();
    try (ChatTestKit kit = ChatTestKit.create(b -> b.metrics(metrics))) {
      assertThat(kit.server().metrics()).isSameAs(metrics);
      TestClient alice = kit.connect().join("lobby", "alice");
      alice.take(ServerEvent.Joined.class);
      TestClient bob = kit.connect().join("lobby", "bob");
      bob.take(ServerEvent.Joined.class);
      TestClient carol = kit.connect().join("lobby", "carol");
      carol.take(ServerEvent.Joined.class);
      metrics.fanOuts.clear(); // the join notices

      alice.send("lobby", "hello");
      // One report for the fan-out to bob and carol, not one per recipient.
      assertThat(metrics.fanOuts).containsExactly("ROOMx2");
      assertThat(metrics.received.get(MessageKind.ROOM)).hasValue(1);

      metrics.fanOuts.clear();
      alice.send("lobby", "@bob psst");
      alice.sendPrivate("carol", "hi");
      assertThat(metrics.received.get(MessageKind.PRIVATE)).hasValue(2);
      assertThat(metrics.fanOuts).containsExactly("PRIVATEx1", "PRIVATEx1");

      metrics.fanOuts.clear();
      kit.server().sendSystem(bob.connectionId(), "notice").toCompletableFuture().join();
      assertThat(metrics.fanOuts).containsExactly("NOTICEx1");
    }
  }

  @Test
  void countsRefusalsByCode() {
    Recording metrics = new Recording();
    try (ChatTestKit kit = ChatTestKit.create(b -> b.metrics(metrics)
        .onMessage(m -> MessageDecision.reject("SPAM", "no spam")))) {
      TestClient alice = kit.connect();
      alice.send("lobby", "not joined yet");
      assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.NOT_IN_ROOM);
      alice.join("lobby", "alice").take(ServerEvent.Joined.class);
      alice.send("lobby", "buy now");
      assertThat(alice.takeError().code()).isEqualTo("SPAM");

      assertThat(metrics.refusals).containsExactly(ErrorCodes.NOT_IN_ROOM, "SPAM");
      // Refused messages were still received.
      assertThat(metrics.received.get(MessageKind.ROOM)).hasValue(2);
    }
  }

  @Test
  void gaugesRoomsAndUsersOnThisNode() {
    Recording metrics = new Recording();
    try (ChatTestKit kit = ChatTestKit.create(b -> b.metrics(metrics))) {
      assertThat(metrics.gauge(ChatMetrics.Gauge.ROOMS)).isZero();
      assertThat(metrics.gauge(ChatMetrics.Gauge.USERS)).isZero();
      TestClient alice = kit.connect().join("lobby", "alice");
      alice.take(ServerEvent.Joined.class);
      alice.join("games").take(ServerEvent.Joined.class);
      TestClient bob = kit.connect().join("lobby", "bob");
      bob.take(ServerEvent.Joined.class);
      assertThat(metrics.gauge(ChatMetrics.Gauge.ROOMS)).isEqualTo(2);
      assertThat(metrics.gauge(ChatMetrics.Gauge.USERS)).isEqualTo(2);

      alice.disconnect();
      assertThat(metrics.gauge(ChatMetrics.Gauge.ROOMS)).isEqualTo(1);
      assertThat(metrics.gauge(ChatMetrics.Gauge.USERS)).isEqualTo(1);
    }
  }

  @Test
  void timesHooksAndTheStore() {
    Recording metrics = new Recording();
    List<String> left = new ArrayList<>();
    try (ChatTestKit kit = ChatTestKit.create(b -> b.metrics(metrics)
        .onConnect(h -> null)
        .onJoin(j -> Decision.accept())
        .onMessage(m -> MessageDecision.accept())
        .onLeave(l -> left.add(l.user()))
        .onDisconnect(d -> {}))) {
      TestClient alice = kit.connect().join("lobby", "alice");
      alice.take(ServerEvent.Joined.class);
      alice.send("lobby", "kept");
      alice.history("lobby", null, 10).take(ServerEvent.History.class);
      alice.disconnect();

      assertThat(metrics.hooks).containsExactly(ChatMetrics.Hook.CONNECT, ChatMetrics.Hook.JOIN,
          ChatMetrics.Hook.MESSAGE, ChatMetrics.Hook.LEAVE, ChatMetrics.Hook.DISCONNECT);
      assertThat(left).containsExactly("alice");
      assertThat(metrics.store).contains("APPEND", "READ").doesNotContain("APPEND failed", "READ failed");
    }
  }

  @Test
  void healthIsUpUntilClosedAndNamesItsParts() {
    ChatTestKit kit = ChatTestKit.create();
    ChatServer server = kit.server();
    Health up = server.health();
    assertThat(up.status()).isEqualTo(Health.Status.UP);
    assertThat(up.components()).containsOnlyKeys("server", "store", "cluster");

    kit.close();

    Health down = server.health();
    assertThat(down.status()).isEqualTo(Health.Status.DOWN);
    assertThat(down.components().get("server").status()).isEqualTo(Health.Status.DOWN);
    assertThat(down.components().get("store").status()).isEqualTo(Health.Status.DOWN);
    assertThat(down.detail()).isEqualTo("down: server, store");
  }
}
