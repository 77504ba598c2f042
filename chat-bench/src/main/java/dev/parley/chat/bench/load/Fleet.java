package dev.parley.chat.bench.load;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * The connections of one run and what they observed. Every field is touched only on the client's
 * event loop; the scenario's thread reaches them through {@link #onLoop} and waits for conditions
 * with futures the loop completes, each with a deadline.
 */
final class Fleet implements Conn.Events, AutoCloseable {
  /** Latencies are recorded in microseconds, up to a minute, with three significant digits. */
  static Histogram histogram() {
    return new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
  }

  /** Sends message number {@code seq} stamped {@code stampNanos}. */
  interface Sender {
    void send(long seq, long stampNanos);
  }

  private final Client client;
  private final IntFunction<Driver> drivers;
  private final EventLoop loop;
  final List<Conn> conns = new ArrayList<>();
  private final BitSet settled = new BitSet();

  int joined;
  int failed;
  int closedAfterJoin;
  /** Joined and not closed now: {@link #joined} counts every join, a reconnection's too. */
  int online;
  int errorsAfterJoin;
  /**
   * Error frames saying a private message's recipient is not online: with reconnections under way,
   * a recipient may leave between the send and the server's delivery, which is no failure.
   */
  int unknownUserAfterJoin;
  String lastError;
  final Histogram joinLatency = histogram();

  final Histogram latency = histogram();
  final Histogram latencyFromSend = histogram();
  long delivered;
  long lastDeliveryNanos;
  long sent;
  long maxSendLagNanos;
  long firstSendNanos;

  private int settleTarget = Integer.MAX_VALUE;
  private CompletableFuture<Void> settledAll = new CompletableFuture<>();
  private long deliveryTarget = Long.MAX_VALUE;
  private CompletableFuture<Void> deliveredAll = new CompletableFuture<>();

  Fleet(Client client, Driver driver) {
    this(client, i -> driver);
  }

  /** A fleet whose connection number {@code i} speaks {@code drivers.apply(i)}. */
  Fleet(Client client, IntFunction<Driver> drivers) {
    this.client = client;
    this.drivers = drivers;
    this.loop = client.loop();
  }

  <T> T onLoop(Callable<T> task) {
    try {
      return loop.submit(task).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  // --- connecting ---

  /**
   * Opens connections {@code from} (inclusive) to {@code to} (exclusive) at {@code perSecond}, at
   * most {@code maxInFlight} of them between connect and join, and waits until each has joined or
   * failed, or {@code timeoutSeconds} passed.
   *
   * @return whether every one of them settled in time
   */
  boolean connect(int from, int to, IntFunction<String> rooms, IntFunction<String> users, double perSecond,
      int maxInFlight, long timeoutSeconds) {
    CompletableFuture<Void> done = onLoop(() -> {
      settleTarget = to;
      settledAll = new CompletableFuture<>();
      checkSettled();
      return settledAll;
    });
    long t0 = System.nanoTime();
    int[] next = {from};
    ScheduledFuture<?>[] ticker = new ScheduledFuture<?>[1];
    ticker[0] = loop.scheduleAtFixedRate(() -> {
      long due = Math.min(to, from + (long) ((System.nanoTime() - t0) * perSecond / 1e9) + 1);
      while (next[0] < due && next[0] - (joined + failed) < maxInFlight) {
        int i = next[0]++;
        Conn c = new Conn(i, users.apply(i), rooms.apply(i), drivers.apply(i), this);
        conns.add(c);
        client.connect(c, c.driver);
      }
      if (next[0] >= to) {
        ticker[0].cancel(false);
      }
    }, 0, 1, TimeUnit.MILLISECONDS);
    boolean ok = await(done, timeoutSeconds);
    ticker[0].cancel(false);
    return ok;
  }

  private void checkSettled() {
    if (joined + failed >= settleTarget) {
      settledAll.complete(null);
    }
  }

  /**
   * Closes {@code old} on purpose (its close counts as no failure) and opens a new connection in its
   * place: the same room and protocol, user {@code user}. Call on the event loop; the new
   * connection's join or failure is counted like any other.
   */
  Conn reconnect(Conn old, String user) {
    old.leaving = true;
    old.channel.close();
    conns.set(old.index, null);
    Conn c = new Conn(conns.size(), user, old.room, old.driver, this);
    conns.add(c);
    client.connect(c, c.driver);
    return c;
  }

  @Override
  public void joined(Conn c) {
    if (!settled.get(c.index)) {
      settled.set(c.index);
      joined++;
      online++;
      joinLatency.recordValue(Math.max(0, (System.nanoTime() - c.startedNanos) / 1000));
      checkSettled();
    }
  }

  @Override
  public void failed(Conn c, String why) {
    lastError = why;
    if (!settled.get(c.index)) {
      settled.set(c.index);
      failed++;
      checkSettled();
    } else if (why.contains("UNKNOWN_USER")) {
      unknownUserAfterJoin++;
    } else {
      errorsAfterJoin++;
    }
  }

  @Override
  public void closed(Conn c) {
    if (c.joined) {
      online--;
      if (!c.leaving) {
        closedAfterJoin++;
      }
    } else if (!settled.get(c.index)) {
      failed(c, lastError == null ? "closed before joining" : lastError);
    }
  }

  // --- sending and receiving ---

  @Override
  public void delivered(Conn c, long intendedNanos, long sentNanos) {
    long now = System.nanoTime();
    latency.recordValue(Math.max(0, (now - intendedNanos) / 1000));
    if (sentNanos != Marker.NONE) {
      latencyFromSend.recordValue(Math.max(0, (now - sentNanos) / 1000));
    }
    delivered++;
    lastDeliveryNanos = now;
    if (delivered >= deliveryTarget) {
      deliveredAll.complete(null);
    }
  }

  /** Clears what the last step measured, so that the next one starts from zero. */
  void resetCounters() {
    onLoop(() -> {
      latency.reset();
      latencyFromSend.reset();
      delivered = 0;
      sent = 0;
      maxSendLagNanos = 0;
      lastDeliveryNanos = 0;
      deliveryTarget = Long.MAX_VALUE;
      deliveredAll = new CompletableFuture<>();
      return null;
    });
  }

  /**
   * Sends for {@code seconds}: open loop at {@code perSecond} messages, each stamped with the time
   * the schedule meant it to go (so a late send counts against latency, as coordinated omission
   * correction asks); or, with {@code perSecond} 0, as fast as deliveries come back, keeping at most
   * {@code window} messages' deliveries outstanding, each stamped with its actual send time.
   * Returns once the last message is handed to the socket.
   */
  void send(double perSecond, double seconds, int deliveriesPerMessage, int window, Sender sender) {
    CompletableFuture<Void> done = startSending(perSecond, seconds, deliveriesPerMessage, window, sender);
    await(done, (long) seconds + 30);
    done.cancel(false);
  }

  /**
   * As {@link #send}, without waiting: the returned future completes once the last message is handed
   * to the socket; cancelling it stops the sending.
   */
  CompletableFuture<Void> startSending(double perSecond, double seconds, int deliveriesPerMessage, int window,
      Sender sender) {
    long total = perSecond > 0 ? (long) Math.ceil(perSecond * seconds) : Long.MAX_VALUE;
    CompletableFuture<Void> done = new CompletableFuture<>();
    long t0 = System.nanoTime();
    long end = t0 + (long) (seconds * 1e9);
    onLoop(() -> firstSendNanos = t0);
    ScheduledFuture<?>[] ticker = new ScheduledFuture<?>[1];
    ticker[0] = loop.scheduleAtFixedRate(() -> {
      long now = System.nanoTime();
      if (perSecond > 0) {
        long due = Math.min(total, (long) ((now - t0) * perSecond / 1e9) + 1);
        while (sent < due) {
          long intended = t0 + (long) (sent * 1e9 / perSecond);
          maxSendLagNanos = Math.max(maxSendLagNanos, now - intended);
          sender.send(sent, intended);
          sent++;
        }
        if (sent >= total) {
          done.complete(null);
        }
      } else if (now >= end) {
        done.complete(null);
      } else {
        while (sent * deliveriesPerMessage - delivered < (long) window * deliveriesPerMessage) {
          sender.send(sent, System.nanoTime());
          sent++;
        }
      }
      if (done.isDone()) {
        ticker[0].cancel(false);
      }
    }, 0, 1, TimeUnit.MILLISECONDS);
    done.whenComplete((v, e) -> ticker[0].cancel(false));
    return done;
  }

  /** Waits until {@code expected} deliveries arrived, or {@code seconds} passed; returns whether they did. */
  boolean awaitDeliveries(long expected, double seconds) {
    CompletableFuture<Void> done = onLoop(() -> {
      deliveryTarget = expected;
      if (delivered >= expected) {
        deliveredAll.complete(null);
      }
      return deliveredAll;
    });
    return await(done, seconds);
  }

  /**
   * After a step that fell behind, lets what the server still had queued arrive before the next
   * step starts: waits until no delivery came for {@code quietMillis}, at most {@code maxSeconds}.
   */
  void awaitQuiet(long quietMillis, double maxSeconds) {
    CompletableFuture<Void> quiet = new CompletableFuture<>();
    long deadline = System.nanoTime() + (long) (maxSeconds * 1e9);
    long[] seen = {-1};
    ScheduledFuture<?> check = loop.scheduleAtFixedRate(() -> {
      if (delivered == seen[0] || System.nanoTime() > deadline) {
        quiet.complete(null);
      }
      seen[0] = delivered;
    }, quietMillis, quietMillis, TimeUnit.MILLISECONDS);
    await(quiet, (long) maxSeconds + 5);
    check.cancel(false);
  }

  private static boolean await(CompletableFuture<?> f, double seconds) {
    try {
      f.get((long) (seconds * 1000), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  List<Conn> joinedConns() {
    return onLoop(() -> conns.stream().filter(c -> c != null && c.joined && !c.closed).toList());
  }

  @Override
  public void close() {
    List<Channel> channels = onLoop(() -> conns.stream().filter(c -> c != null && c.channel != null).map(c -> c.channel).toList());
    Client.closeAll(channels, 20);
  }
}
