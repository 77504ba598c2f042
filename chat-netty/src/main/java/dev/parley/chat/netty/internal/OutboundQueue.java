package dev.parley.chat.netty.internal;

import dev.parley.chat.spi.CloseCodes;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encoded WebSocket frames waiting for one channel. Any thread may add; the channel's event loop
 * writes them in batches with one flush per batch, and only while the socket is writable. The queue
 * is bounded in bytes: a peer that cannot keep up is disconnected, so it never holds up anyone else
 * or grows the heap without bound. The frames' bytes are shared, never copied: a broadcast puts the
 * same array in every recipient's queue.
 */
public final class OutboundQueue {
  private static final Logger log = LoggerFactory.getLogger(OutboundQueue.class);

  /** Every upgraded channel carries its queue, so shutdown can close each politely. */
  static final AttributeKey<OutboundQueue> KEY = AttributeKey.valueOf("parley.outbound");

  /** A whole WebSocket frame, header included, ready for the socket; shared by every recipient. */
  private record Item(byte[] frame) {}

  /**
   * The last payload framed on this thread, and its frame. A broadcast hands the same payload array
   * to every recipient's queue in a row, so it is framed once, and the WebSocket encoder (a header
   * buffer and a copy of the payload per recipient) is skipped: server frames are never masked, so
   * every recipient's bytes are the same.
   */
  private static final ThreadLocal<Object[]> lastFramed = ThreadLocal.withInitial(() -> new Object[3]);

  private final Channel channel;
  private final long maxQueuedBytes;
  private final Queue<Item> queue = new ConcurrentLinkedQueue<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();

  public OutboundQueue(Channel channel, long maxQueuedBytes) {
    this.channel = channel;
    this.maxQueuedBytes = maxQueuedBytes;
    channel.attr(KEY).set(this);
  }

  /** Queues a text frame; returns {@code false} if closing or over the bound (then the peer is dropped). */
  public boolean text(byte[] utf8) {
    return add(new Item(framed(utf8, false)));
  }

  /** Queues a binary frame; returns {@code false} if closing or over the bound. */
  public boolean binary(byte[] bytes) {
    return add(new Item(framed(bytes, true)));
  }

  private static byte[] framed(byte[] payload, boolean binary) {
    Object[] last = lastFramed.get();
    if (last[0] == payload && Boolean.valueOf(binary).equals(last[1])) {
      return (byte[]) last[2];
    }
    byte[] frame = frame(payload, binary);
    last[0] = payload;
    last[1] = binary;
    last[2] = frame;
    return frame;
  }

  /** An unmasked, unfragmented frame as RFC 6455 section 5.2 lays it out. */
  static byte[] frame(byte[] payload, boolean binary) {
    int length = payload.length;
    int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    byte[] frame = new byte[header + length];
    frame[0] = (byte) (0x80 | (binary ? 0x2 : 0x1)); // FIN, opcode
    if (length < 126) {
      frame[1] = (byte) length;
    } else if (length <= 0xFFFF) {
      frame[1] = 126;
      frame[2] = (byte) (length >>> 8);
      frame[3] = (byte) length;
    } else {
      frame[1] = 127;
      for (int i = 0; i < 8; i++) {
        frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
      }
    }
    System.arraycopy(payload, 0, frame, header, length);
    return frame;
  }

  private boolean add(Item item) {
    if (closing.get()) {
      return false;
    }
    // A frame larger than the bound on its own (a long history in a join reply) says nothing about
    // the reader's speed: it counts as half the bound, so it passes beside small frames, while a
    // second one queued before the first drains ends the connection. Memory stays bounded.
    long cost = cost(item);
    if (queuedBytes.addAndGet(cost) > maxQueuedBytes) {
      queuedBytes.addAndGet(-cost);
      slowConsumer();
      return false;
    }
    queue.add(item);
    if (drainScheduled.compareAndSet(false, true)) {
      channel.eventLoop().execute(this::drain);
    }
    return true;
  }

  /** On the event loop: writes what the socket takes now, then flushes once. Call again when writable. */
  public void drain() {
    drainScheduled.set(false);
    boolean wrote = false;
    Item item;
    while (channel.isWritable() && !closing.get() && (item = queue.poll()) != null) {
      queuedBytes.addAndGet(-cost(item));
      channel.write(Unpooled.wrappedBuffer(item.frame), channel.voidPromise());
      wrote = true;
    }
    if (wrote) {
      channel.flush();
    }
  }

  private long cost(Item item) {
    return Math.min(item.frame.length, maxQueuedBytes / 2);
  }

  private void slowConsumer() {
    if (closing.compareAndSet(false, true)) {
      log.info("closing {}: more than {} bytes waiting to be sent", channel.remoteAddress(), maxQueuedBytes);
      queue.clear();
      // The close frame waits behind what the socket already holds (at most the write-buffer high
      // mark); a peer that reads nothing at all is dropped when the close timeout runs out.
      Closing.send(channel, CloseCodes.SLOW_CONSUMER, "slow consumer", false);
    }
  }

  /** Writes everything queued, then a close frame; the peer has {@link Closing#CLOSE_TIMEOUT_MILLIS} to answer. */
  public void close(int code, String reason) {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    channel.eventLoop().execute(() -> {
      Item item;
      while ((item = queue.poll()) != null) {
        channel.write(Unpooled.wrappedBuffer(item.frame), channel.voidPromise());
      }
      Closing.send(channel, code, reason, false);
    });
  }

  /** Sends a close frame and drops the connection without waiting, for peers that stopped answering. */
  public void closeNow(int code, String reason) {
    if (closing.compareAndSet(false, true)) {
      queue.clear();
      Closing.send(channel, code, reason, true);
    }
  }

  /** Stops sending: the peer closed. */
  void stop() {
    closing.set(true);
    queue.clear();
  }

  public boolean isClosing() {
    return closing.get();
  }
}
