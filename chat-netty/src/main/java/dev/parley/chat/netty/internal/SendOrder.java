package dev.parley.chat.netty.internal;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps a session's packets in the order they were sent from any mix of threads. On an open
 * WebSocket they go straight to its queue, which any thread may fill, and so skip a hop through the
 * loop per recipient of a broadcast. While a hop is still waiting (a send from before the upgrade
 * ended, or a close), later packets queue behind it instead, so nothing overtakes what was sent
 * before it. Threading: {@link #send} and {@link #hop} from any thread, the rest on the loop.
 */
final class SendOrder {
  private final EngineSession session;
  /** The WebSocket's queue while the session is on it, for senders on any thread; else null. */
  private volatile OutboundQueue direct;
  /** Tasks sent to the loop by {@link #hop} that have not finished; senders queue behind them. */
  private final AtomicInteger hops = new AtomicInteger();
  /** On the loop: a hop is running, so what it sends goes out now, in its place, not behind later hops. */
  private boolean inHop;

  SendOrder(EngineSession session) {
    this.session = session;
  }

  void send(List<EngineFrame> frames) {
    if (session.loop().inEventLoop() && inHop) {
      session.transport.enqueue(frames); // sent from a hop, at its place in the order
      return;
    }
    OutboundQueue out = direct;
    if (out != null && hops.get() == 0) {
      if (!EngineTransport.write(out, frames)) {
        hop(() -> session.closing.close(CloseReason.TRANSPORT_ERROR, false));
      }
    } else {
      hop(() -> session.transport.enqueue(frames));
    }
  }

  /**
   * As {@link #send}, but drops the frames unless the client can take them at once, decided in their
   * place in the order: see {@link EngineSession#sendVolatile}.
   */
  void sendVolatile(List<EngineFrame> frames) {
    if (session.loop().inEventLoop() && inHop) {
      enqueueIfTaken(frames);
      return;
    }
    OutboundQueue out = direct;
    if (out != null && hops.get() == 0) {
      if (out.idle() && !EngineTransport.write(out, frames)) {
        hop(() -> session.closing.close(CloseReason.TRANSPORT_ERROR, false));
      }
    } else {
      hop(() -> enqueueIfTaken(frames));
    }
  }

  private void enqueueIfTaken(List<EngineFrame> frames) {
    if (session.takesNow()) {
      session.transport.enqueue(frames);
    }
  }

  /** Runs a task on the loop, counted in {@link #hops} until it has run. */
  void hop(Runnable task) {
    hops.incrementAndGet();
    session.loop().execute(() -> {
      inHop = true;
      try {
        task.run();
      } finally {
        inHop = false;
        hops.decrementAndGet();
      }
    });
  }

  /**
   * Lets senders write to the WebSocket directly. Published only after the packets queued before
   * it, so that direct writes come after them.
   */
  void publish(OutboundQueue ws) {
    direct = ws;
  }

  /** Sends go through the loop again, which drops them once the session is closed. */
  void withdraw() {
    direct = null;
  }
}
