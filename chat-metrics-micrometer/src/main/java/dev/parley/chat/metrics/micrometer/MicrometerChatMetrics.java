package dev.parley.chat.metrics.micrometer;

import dev.parley.chat.MessageKind;
import dev.parley.chat.monitoring.ChatMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Turns what a Parley server reports ({@link ChatMetrics}) into Micrometer meters. Give it to the
 * server's builder:
 *
 * <pre>{@code
 * ChatServer chat = ChatServer.builder()
 *     .metrics(MicrometerChatMetrics.create(registry))
 *     .build();
 * }</pre>
 *
 * <p>Meters (Micrometer names; a Prometheus registry writes {@code parley_connections} and so on,
 * docs/operations.md lists each):
 * <ul>
 *   <li>{@code parley.connections} (gauge, tag {@code protocol}: {@code json}, {@code socketio}):
 *       open client connections; {@code parley.connections.opened} (counter, same tag);
 *   <li>{@code parley.rooms}, {@code parley.users} (gauges): rooms and users on this node;
 *   <li>{@code parley.messages.received} (counter, tag {@code kind}: {@code room}, {@code private});
 *   <li>{@code parley.deliveries} (counter, tag {@code kind}: {@code room}, {@code private}, {@code
 *       notice}): messages queued to connections, one per recipient connection;
 *   <li>{@code parley.refusals} (counter, tag {@code code}): error frames sent, by error code;
 *   <li>{@code parley.slow.consumer.closes} (counter, tag {@code protocol});
 *   <li>{@code parley.outbound.queue.bytes} (gauge);
 *   <li>{@code parley.hook.duration} (timer, tag {@code hook}), {@code parley.store.duration} (timer,
 *       tags {@code operation}, {@code outcome});
 *   <li>with a cluster engine that reports them: {@code parley.cluster.backlog} (gauge), {@code
 *       parley.cluster.reconnects} (counter).
 * </ul>
 *
 * <p>Every meter is registered when this object is made, except the gauges the server, transport
 * and engine {@link #gauge supply}, which appear once supplied; so the hot path only looks up
 * prebuilt meters and allocates nothing. Refusals are counted by code, a meter per code seen; codes
 * come from the server and the application's hooks, never from clients. Thread-safe, like every
 * {@link ChatMetrics}. One instance serves one server; the registry keeps the meters after the
 * server closes.
 */
public final class MicrometerChatMetrics implements ChatMetrics {
  private final MeterRegistry registry;
  private final Tags tags;
  private final AtomicLong[] connections = new AtomicLong[Protocol.values().length];
  private final Counter[] opened = new Counter[Protocol.values().length];
  private final Counter[] slowConsumers = new Counter[Protocol.values().length];
  private final Counter[] received = new Counter[MessageKind.values().length];
  private final Counter[] deliveries = new Counter[MessageKind.values().length];
  private final Timer[] hooks = new Timer[Hook.values().length];
  /** By operation, then success (0) or failure (1). */
  private final Timer[][] store = new Timer[StoreOperation.values().length][2];
  /** Registered once an engine for several nodes reports (its backlog gauge), so a single node has none. */
  private volatile Counter reconnects;
  private final ConcurrentHashMap<String, Counter> refusals = new ConcurrentHashMap<>();
  private final Map<ChatMetrics.Gauge, List<LongSupplier>> gauges = new EnumMap<>(ChatMetrics.Gauge.class);

  private MicrometerChatMetrics(MeterRegistry registry, Iterable<Tag> tags) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.tags = Tags.of(tags);
    for (Protocol p : Protocol.values()) {
      Tags t = this.tags.and("protocol", tagValue(p));
      AtomicLong open = new AtomicLong();
      connections[p.ordinal()] = open;
      io.micrometer.core.instrument.Gauge.builder("parley.connections", open, AtomicLong::get)
          .description("Open client connections (Socket.IO: Engine.IO sessions)").tags(t).register(registry);
      opened[p.ordinal()] = Counter.builder("parley.connections.opened")
          .description("Client connections opened").tags(t).register(registry);
      slowConsumers[p.ordinal()] = Counter.builder("parley.slow.consumer.closes")
          .description("Connections closed for reading too slowly").tags(t).register(registry);
    }
    for (MessageKind kind : MessageKind.values()) {
      Tags t = this.tags.and("kind", lower(kind.name()));
      if (kind != MessageKind.NOTICE) {
        received[kind.ordinal()] = Counter.builder("parley.messages.received")
            .description("Messages clients sent").tags(t).register(registry);
      }
      deliveries[kind.ordinal()] = Counter.builder("parley.deliveries")
          .description("Messages queued to client connections, one per connection").tags(t).register(registry);
    }
    for (Hook hook : Hook.values()) {
      hooks[hook.ordinal()] = Timer.builder("parley.hook.duration")
          .description("How long the application's hooks ran").tags(this.tags.and("hook", lower(hook.name())))
          .register(registry);
    }
    for (StoreOperation op : StoreOperation.values()) {
      for (int failed = 0; failed < 2; failed++) {
        store[op.ordinal()][failed] = Timer.builder("parley.store.duration")
            .description("History store operations: appends and removals until durable, reads")
            .tags(this.tags.and("operation", lower(op.name()), "outcome", failed == 0 ? "success" : "failure"))
            .register(registry);
      }
    }
  }

  private Counter reconnects() {
    Counter counter = reconnects;
    if (counter == null) {
      // The registry hands back the same counter if two threads get here.
      counter = Counter.builder("parley.cluster.reconnects")
          .description("Connections to the cluster's shared state (Redis) regained after a loss")
          .tags(tags).register(registry);
      reconnects = counter;
    }
    return counter;
  }

  /**
   * Meters in this registry.
   *
   * @param registry where the meters are registered
   * @return the listener, for {@code ChatServer.Builder.metrics}
   */
  public static MicrometerChatMetrics create(MeterRegistry registry) {
    return new MicrometerChatMetrics(registry, Tags.empty());
  }

  /**
   * Meters in this registry, each with these tags too (for example the node's name, when one
   * registry holds several servers).
   *
   * @param registry where the meters are registered
   * @param tags added to every meter
   * @return the listener
   */
  public static MicrometerChatMetrics create(MeterRegistry registry, Iterable<Tag> tags) {
    return new MicrometerChatMetrics(registry, tags);
  }

  private static String tagValue(Protocol protocol) {
    return protocol == Protocol.SOCKET_IO ? "socketio" : "json";
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  @Override
  public void gauge(ChatMetrics.Gauge gauge, LongSupplier value) {
    Objects.requireNonNull(value, "value");
    List<LongSupplier> sources;
    boolean first;
    synchronized (gauges) {
      sources = gauges.get(gauge);
      first = sources == null;
      if (first) {
        sources = new CopyOnWriteArrayList<>();
        gauges.put(gauge, sources);
      }
      sources.add(value);
    }
    if (gauge == ChatMetrics.Gauge.CLUSTER_BACKLOG) {
      reconnects(); // at zero from the start, next to the backlog
    }
    if (first) {
      List<LongSupplier> all = sources;
      GaugeMeter meter = GaugeMeter.of(gauge);
      io.micrometer.core.instrument.Gauge.builder(meter.name(), () -> {
            long sum = 0;
            for (LongSupplier s : all) {
              sum += s.getAsLong();
            }
            return sum;
          })
          .description(meter.description())
          .baseUnit(gauge == ChatMetrics.Gauge.OUTBOUND_QUEUE_BYTES ? "bytes" : null)
          .tags(tags)
          .strongReference(true)
          .register(registry);
    }
  }

  /** A supplied gauge's meter. */
  private record GaugeMeter(String name, String description) {
    static GaugeMeter of(ChatMetrics.Gauge gauge) {
      return switch (gauge) {
        case ROOMS -> new GaugeMeter("parley.rooms", "Rooms with a connection on this node");
        case USERS -> new GaugeMeter("parley.users", "Users with a connection on this node");
        case OUTBOUND_QUEUE_BYTES -> new GaugeMeter("parley.outbound.queue",
            "Bytes queued for WebSocket clients, not yet handed to their sockets");
        case CLUSTER_BACKLOG -> new GaugeMeter("parley.cluster.backlog",
            "Deliveries from the cluster waiting for this node's engine thread");
      };
    }
  }

  @Override
  public void connectionOpened(Protocol protocol) {
    connections[protocol.ordinal()].incrementAndGet();
    opened[protocol.ordinal()].increment();
  }

  @Override
  public void connectionClosed(Protocol protocol) {
    connections[protocol.ordinal()].decrementAndGet();
  }

  @Override
  public void slowConsumerClosed(Protocol protocol) {
    slowConsumers[protocol.ordinal()].increment();
  }

  @Override
  public void messageReceived(MessageKind kind) {
    Counter counter = received[kind.ordinal()];
    if (counter != null) {
      counter.increment();
    }
  }

  @Override
  public void delivered(MessageKind kind, int connections) {
    if (connections > 0) {
      deliveries[kind.ordinal()].increment(connections);
    }
  }

  @Override
  public void refused(String code) {
    Counter counter = refusals.get(code);
    if (counter == null) {
      counter = refusals.computeIfAbsent(code, c -> Counter.builder("parley.refusals")
          .description("Error frames sent to clients, by error code").tags(tags.and("code", c)).register(registry));
    }
    counter.increment();
  }

  @Override
  public void hookCompleted(Hook hook, long nanos) {
    hooks[hook.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void storeCompleted(StoreOperation operation, long nanos, boolean failed) {
    store[operation.ordinal()][failed ? 1 : 0].record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void clusterReconnected() {
    reconnects().increment();
  }
}
