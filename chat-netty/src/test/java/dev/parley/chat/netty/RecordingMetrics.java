package dev.parley.chat.netty;

import dev.parley.chat.monitoring.ChatMetrics;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/** A thread-safe {@link ChatMetrics} that keeps what the transport reports, for assertions. */
final class RecordingMetrics implements ChatMetrics {
  private final Map<Protocol, AtomicInteger> open = new EnumMap<>(Protocol.class);
  private final Map<Protocol, AtomicInteger> opened = new EnumMap<>(Protocol.class);
  private final Map<Protocol, AtomicInteger> slow = new EnumMap<>(Protocol.class);
  private final Map<Gauge, List<LongSupplier>> gauges = new java.util.concurrent.ConcurrentHashMap<>();

  RecordingMetrics() {
    for (Protocol p : Protocol.values()) {
      open.put(p, new AtomicInteger());
      opened.put(p, new AtomicInteger());
      slow.put(p, new AtomicInteger());
    }
  }

  @Override
  public void gauge(Gauge gauge, LongSupplier value) {
    gauges.computeIfAbsent(gauge, g -> new CopyOnWriteArrayList<>()).add(value);
  }

  @Override
  public void connectionOpened(Protocol protocol) {
    open.get(protocol).incrementAndGet();
    opened.get(protocol).incrementAndGet();
  }

  @Override
  public void connectionClosed(Protocol protocol) {
    open.get(protocol).decrementAndGet();
  }

  @Override
  public void slowConsumerClosed(Protocol protocol) {
    slow.get(protocol).incrementAndGet();
  }

  int open(Protocol protocol) {
    return open.get(protocol).get();
  }

  int opened(Protocol protocol) {
    return opened.get(protocol).get();
  }

  int slowConsumers(Protocol protocol) {
    return slow.get(protocol).get();
  }

  /** The sum of a gauge's sources; fails if none was given. */
  long gauge(Gauge gauge) {
    List<LongSupplier> sources = gauges.get(gauge);
    if (sources == null) {
      throw new AssertionError("no " + gauge + " gauge was given");
    }
    return sources.stream().mapToLong(LongSupplier::getAsLong).sum();
  }
}
