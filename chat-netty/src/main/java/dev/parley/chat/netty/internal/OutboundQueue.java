package dev.parley.chat.netty.internal;

import dev.parley.chat.spi.CloseCodes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encoded WebSocket frames waiting for one channel. Any thread may add; the channel's event loop
 * writes them in batches with one flush per batch, and only while the socket is writable. The queue
 * is bounded in bytes: a peer that cannot keep up is disconnected, so it never holds up anyone else
 * or grows memory without bound. A broadcast's frame is shared, never copied: it is framed once, as
 * a {@link WsFrame}, whose buffer every recipient's queue holds a duplicate of.
 */
final class OutboundQueue implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(OutboundQueue.class);

  /** Every upgraded channel carries its queue, so shutdown can close each politely. */
  static final AttributeKey<OutboundQueue> KEY = AttributeKey.valueOf("parley.outbound");

  private final Channel channel;
  private final long maxQueuedBytes;
  /** Whole frames, header included; a broadcast's are duplicates of one buffer. */
  private final Queue<ByteBuf> queue = new ConcurrentLinkedQueue<>();
  // Field updaters rather than atomic objects: every connection has a queue, and each atomic object
  // would add 16 bytes to it.
  private static final AtomicLongFieldUpdater<OutboundQueue> QUEUED_BYTES =
      AtomicLongFieldUpdater.newUpdater(OutboundQueue.class, "queuedBytes");
  private static final AtomicIntegerFieldUpdater<OutboundQueue> DRAIN_SCHEDULED =
      AtomicIntegerFieldUpdater.newUpdater(OutboundQueue.class, "drainScheduled");
  private static final AtomicIntegerFieldUpdater<OutboundQueue> CLOSING =
      AtomicIntegerFieldUpdater.newUpdater(OutboundQueue.class, "closing");
  private volatile long queuedBytes;
  private volatile int drainScheduled;
  private volatile int closing;
  /** Told once when the peer is dropped for reading too slowly: the endpoint's metrics. Shared. */
  private final Runnable onSlowConsumer;

  public OutboundQueue(Channel channel, long maxQueuedBytes) {
    this(channel, maxQueuedBytes, () -> {});
  }

  /** As above; {@code onSlowConsumer} runs once if the peer is dropped for reading too slowly. */
  public OutboundQueue(Channel channel, long maxQueuedBytes, Runnable onSlowConsumer) {
    this.channel = channel;
    this.maxQueuedBytes = maxQueuedBytes;
    this.onSlowConsumer = onSlowConsumer;
    channel.attr(KEY).set(this);
  }

  /** Bytes queued and not yet handed to the socket, for metrics. Any thread. */
  public long queuedBytes() {
    return queuedBytes;
  }

  /**
   * Whether a frame queued now would be written at once: nothing waits in this queue and the channel
   * takes more. Any thread; for frames that may be dropped rather than wait.
   */
  public boolean idle() {
    return queuedBytes == 0 && channel.isWritable();
  }

  /** Queues a text frame; returns {@code false} if closing or over the bound (then the peer is dropped). */
  public boolean text(byte[] utf8) {
    return add(Unpooled.wrappedBuffer(frame(utf8, false)));
  }

  /** Queues a binary frame; returns {@code false} if closing or over the bound. */
  public boolean binary(byte[] bytes) {
    return add(Unpooled.wrappedBuffer(frame(bytes, true)));
  }

  /**
   * Queues a frame framed once for every queue it goes to (a broadcast); returns {@code false} if
   * closing or over the bound.
   */
  public boolean frame(WsFrame frame) {
    return add(frame.buffer());
  }

  /**
   * Queues several frames (a Socket.IO event and its binary attachments) as one, so that no other
   * thread's frame lands between them; returns {@code false} if closing or over the bound.
   */
  public boolean together(byte[][] payloads, boolean[] binary) {
    byte[][] frames = new byte[payloads.length][];
    int length = 0;
    for (int i = 0; i < payloads.length; i++) {
      frames[i] = frame(payloads[i], binary[i]);
      length += frames[i].length;
    }
    byte[] all = new byte[length];
    int at = 0;
    for (byte[] f : frames) {
      System.arraycopy(f, 0, all, at, f.length);
      at += f.length;
    }
    return add(Unpooled.wrappedBuffer(all));
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

  private boolean add(ByteBuf frame) {
    if (closing != 0) {
      return false;
    }
    // A frame larger than the bound on its own (a long history in a join reply) says nothing about
    // the reader's speed: it counts as half the bound, so it passes beside small frames, while a
    // second one queued before the first drains ends the connection. Memory stays bounded.
    long cost = cost(frame);
    if (QUEUED_BYTES.addAndGet(this, cost) > maxQueuedBytes) {
      QUEUED_BYTES.addAndGet(this, -cost);
      slowConsumer();
      return false;
    }
    queue.add(frame);
    if (DRAIN_SCHEDULED.compareAndSet(this, 0, 1)) {
      channel.eventLoop().execute(this); // itself the drain task: no Runnable per connection
    }
    return true;
  }

  /** The scheduled drain; on the event loop. */
  @Override
  public void run() {
    drain();
  }

  /** On the event loop: writes what the socket takes now, then flushes once. Call again when writable. */
  public void drain() {
    drainScheduled = 0;
    boolean wrote = false;
    ByteBuf frame;
    while (channel.isWritable() && closing == 0 && (frame = queue.poll()) != null) {
      QUEUED_BYTES.addAndGet(this, -cost(frame));
      channel.write(frame, channel.voidPromise());
      wrote = true;
    }
    if (wrote) {
      channel.flush();
    }
  }

  private long cost(ByteBuf frame) {
    return Math.min(frame.readableBytes(), maxQueuedBytes / 2);
  }

  private void slowConsumer() {
    if (CLOSING.compareAndSet(this, 0, 1)) {
      log.info("closing {}: more than {} bytes waiting to be sent", channel.remoteAddress(), maxQueuedBytes);
      onSlowConsumer.run();
      QUEUED_BYTES.set(this, 0); // cleared below: nothing of it will be sent
      queue.clear();
      // The close frame waits behind what the socket already holds (at most the write-buffer high
      // mark); a peer that reads nothing at all is dropped when the close timeout runs out.
      Closing.send(channel, CloseCodes.SLOW_CONSUMER, "slow consumer", false);
    }
  }

  /** Writes everything queued, then a close frame; the peer has {@link Closing#CLOSE_TIMEOUT_MILLIS} to answer. */
  public void close(int code, String reason) {
    if (stopTaking()) {
      sendClose(code, reason);
    }
  }

  /**
   * Takes no more frames; returns {@code false} if it had already stopped. The first half of
   * {@link #close}, for closing many connections at once: every queue stops taking frames before
   * any close frame goes out, so a connection that closes first cannot have its departure announced
   * to the others.
   */
  boolean stopTaking() {
    return CLOSING.compareAndSet(this, 0, 1);
  }

  /** The second half of {@link #close}: writes everything queued, then a close frame. */
  void sendClose(int code, String reason) {
    channel.eventLoop().execute(() -> {
      ByteBuf frame;
      while ((frame = queue.poll()) != null) {
        channel.write(frame, channel.voidPromise());
      }
      Closing.send(channel, code, reason, false);
    });
  }

  /** Sends a close frame and drops the connection without waiting, for peers that stopped answering. */
  public void closeNow(int code, String reason) {
    if (CLOSING.compareAndSet(this, 0, 1)) {
      queue.clear();
      Closing.send(channel, code, reason, true);
    }
  }

  /** Stops sending: the peer closed. */
  void stop() {
    closing = 1;
    queue.clear();
  }

  public boolean isClosing() {
    return closing != 0;
  }
}
