package dev.parley.chat.netty.internal;

import dev.parley.chat.Handshake;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.List;

/**
 * One Engine.IO session (protocol v4): long-polling, WebSocket, or polling being upgraded to
 * WebSocket. This class holds the session's state and its ordered send; each of its jobs has a
 * class of its own: what each request or frame does in each state ({@link EngineTransport}), the
 * long-poll queue ({@link LongPoll}), cross-thread send order ({@link SendOrder}), the heartbeat
 * ({@link Heartbeat}), the upgrade probe ({@link UpgradeProbe}), and closing with its last words
 * ({@link SessionClose}).
 *
 * <p>Threading: all state is confined to {@link #loop()}: requests and frames arriving on other
 * channels hop onto it, so nothing here needs a lock. {@link #send}, {@link #runInOrder} and
 * {@link #close(CloseReason)} are safe from any thread. Lifecycle: opened by {@link EngineIoServer} with a
 * handshake, closed once (by either side, a timeout or shutdown), then forgotten by the server.
 */
public final class EngineSession {
  enum State { POLLING, UPGRADING, WEBSOCKET, CLOSED }

  private final String id;
  private final EventLoop loop;
  private final Handshake handshake;
  final EngineIoServer server;
  /** Written on the loop only; volatile so that metrics may read it from any thread. */
  volatile State state;
  /** The WebSocket carrying the session, once it has one; null while it polls. */
  Channel wsChannel;
  OutboundQueue ws;

  final SendOrder order;
  final EngineTransport transport;
  /**
   * Created on first use, on the loop: a session that opened on a WebSocket, as nearly all do, never
   * polls nor upgrades, and every connection would otherwise carry both.
   */
  private LongPoll poll;
  final Heartbeat heartbeat;
  private UpgradeProbe upgrade;
  final SessionClose closing;

  /** The layer above: Socket.IO's per-session state. Touched only on {@link #loop()}. */
  public Object attachment;

  EngineSession(String id, EventLoop loop, Handshake handshake, EngineIoServer server, State state) {
    this.id = id;
    this.loop = loop;
    this.handshake = handshake;
    this.server = server;
    this.state = state;
    this.order = new SendOrder(this);
    this.transport = new EngineTransport(this);
    this.heartbeat = new Heartbeat(this);
    this.closing = new SessionClose(this);
  }

  /** The long-poll queue, created on first use; on the loop. */
  LongPoll poll() {
    if (poll == null) {
      poll = new LongPoll(this);
    }
    return poll;
  }

  /** Whether a long-poll waits; on the loop, or from tests, which read it racily. */
  boolean pollWaiting() {
    LongPoll p = poll;
    return p != null && p.waiting() != null;
  }

  /** The upgrade probe, created on first use; on the loop. */
  UpgradeProbe upgrade() {
    if (upgrade == null) {
      upgrade = new UpgradeProbe(this);
    }
    return upgrade;
  }

  /** Whether {@code channel} is this session's upgrade probe; on the loop. */
  boolean isProbe(Channel channel) {
    return upgrade != null && upgrade.isProbe(channel);
  }

  /** The session closed: an upgrade probe, if one was ever made, goes too. On the loop. */
  void upgradeClosed(boolean wasUpgrading) {
    if (upgrade != null) {
      upgrade.closed(wasUpgrading);
    }
  }

  public String id() {
    return id;
  }

  public EventLoop loop() {
    return loop;
  }

  public Handshake handshake() {
    return handshake;
  }

  public boolean isOpen() {
    return state != State.CLOSED;
  }

  /**
   * Runs a task on this session's loop: at once when called there (no hop, so frames and requests
   * arriving on the loop's own channels keep their order), else queued to it.
   */
  void run(Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
    } else {
      loop.execute(task);
    }
  }

  /**
   * Sends a packet; safe from any thread. Packets keep the order in which they were sent from any
   * mix of threads: see {@link #send(List)}.
   */
  public void send(EngineFrame frame) {
    send(List.of(frame));
  }

  /**
   * Sends several packets in order, never split (an event and its binary attachments); safe from any
   * thread. See {@link SendOrder} for how order holds across threads.
   */
  public void send(List<EngineFrame> frames) {
    order.send(frames);
  }

  /**
   * Sends a packet only if the client can take it at once, else drops it for good (Socket.IO's
   * volatile emits); safe from any thread. It can on WebSocket when nothing waits to be written and
   * the connection takes more, on long-polling when a poll waits with nothing queued, never during
   * an upgrade. Decided in the packet's place in the order of what this thread sends.
   */
  public void sendVolatile(List<EngineFrame> frames) {
    order.sendVolatile(frames);
  }

  /** On the loop: whether a packet sent now would go out at once (see {@link #sendVolatile}). */
  boolean takesNow() {
    return switch (state) {
      case WEBSOCKET -> ws.idle();
      case POLLING -> poll().waiting() != null && poll().isEmpty();
      case UPGRADING, CLOSED -> false;
    };
  }

  /**
   * Runs a task on the loop in order with the packets sent before and after it from the same
   * thread; safe from any thread. For what must not be overtaken, such as a Socket.IO disconnect.
   */
  public void runInOrder(Runnable task) {
    order.hop(task);
  }

  /** Closes the session after the packets sent before; safe from any thread. */
  public void close(CloseReason reason) {
    order.hop(() -> closing.close(reason, false));
  }
}
