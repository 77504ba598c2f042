package dev.parley.chat.netty.internal;

import dev.parley.chat.Handshake;
import dev.parley.chat.spi.ClientConnection;
import dev.parley.chat.spi.ClientSession;
import dev.parley.chat.spi.ServerEvent;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket client as the chat server sees it. Events from any thread are encoded on the calling
 * thread, queued, and written by the channel's event loop in batches with one flush per batch. The
 * queue is bounded in bytes: a client that cannot keep up is disconnected, so it never holds up
 * anyone else or grows the heap without bound.
 */
final class NettyConnection implements ClientConnection {
  private static final Logger log = LoggerFactory.getLogger(NettyConnection.class);

  private final Channel channel;
  private final Handshake handshake;
  private final JsonProtocol protocol;
  private final long maxQueuedBytes;
  private final Queue<byte[]> queue = new ConcurrentLinkedQueue<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile ClientSession session;

  NettyConnection(Channel channel, Handshake handshake, JsonProtocol protocol, long maxQueuedBytes) {
    this.channel = channel;
    this.handshake = handshake;
    this.protocol = protocol;
    this.maxQueuedBytes = maxQueuedBytes;
  }

  void session(ClientSession session) {
    this.session = session;
  }

  ClientSession session() {
    return session;
  }

  @Override
  public Handshake handshake() {
    return handshake;
  }

  @Override
  public boolean send(ServerEvent event) {
    if (closing.get()) {
      return false;
    }
    return enqueue(protocol.encode(event));
  }

  /** Queues already-encoded bytes, for answers the transport makes itself. */
  boolean enqueue(byte[] frame) {
    if (queuedBytes.addAndGet(frame.length) > maxQueuedBytes) {
      queuedBytes.addAndGet(-frame.length);
      slowConsumer();
      return false;
    }
    queue.add(frame);
    if (drainScheduled.compareAndSet(false, true)) {
      channel.eventLoop().execute(this::drain);
    }
    return true;
  }

  /** On the event loop: writes what the socket can take now, then flushes once. */
  void drain() {
    drainScheduled.set(false);
    boolean wrote = false;
    byte[] frame;
    while (channel.isWritable() && (frame = queue.poll()) != null) {
      queuedBytes.addAndGet(-frame.length);
      channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame)), channel.voidPromise());
      wrote = true;
    }
    if (wrote) {
      channel.flush();
    }
  }

  private void slowConsumer() {
    if (closing.compareAndSet(false, true)) {
      log.info("closing {}: more than {} bytes waiting to be sent", channel.remoteAddress(), maxQueuedBytes);
      queue.clear();
      // A close frame would wait behind the backlog this client is not reading; drop the TCP connection.
      channel.close();
    }
  }

  @Override
  public void close(int code, String reason) {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    channel.eventLoop().execute(() -> {
      drain();
      byte[] frame;
      while ((frame = queue.poll()) != null) {
        channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame)), channel.voidPromise());
      }
      Closing.send(channel, code, reason, false);
    });
  }

  /** Sends a close frame and drops the connection without waiting for the peer's answer. */
  void closeWithFrameThenDrop(int code, String reason) {
    if (closing.compareAndSet(false, true)) {
      Closing.send(channel, code, reason, true);
    }
  }

  boolean isClosing() {
    return closing.get();
  }

}
