package dev.parley.chat.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;

/**
 * One server WebSocket frame, header included, to be queued to any number of connections with
 * {@link OutboundQueue#frame}: server frames are never masked, so every recipient's bytes are the
 * same, and a broadcast frames its payload once. Whoever encodes an event once for a fan-out (a
 * {@link dev.parley.chat.spi.SharedEvent} encoding, an Engine.IO frame sent to many sessions)
 * keeps one of these with it. Thread-safe.
 */
final class WsFrame {
  private final byte[] frame;
  /**
   * The frame in direct memory, made for a second recipient: the socket writes from it with no
   * copy, where a heap array is copied for every write. The JDK's own direct buffer, freed by the
   * collector once no queue holds it. Guarded by {@code this}.
   */
  private ByteBuf shared;
  /** Guarded by {@code this}. */
  private boolean queuedOnce;

  /**
   * @param payload the payload; it is copied into the frame
   * @param binary a binary frame, else text
   */
  public WsFrame(byte[] payload, boolean binary) {
    this.frame = OutboundQueue.frame(payload, binary);
  }

  /** A buffer of the frame for one more queue, which releases it once written. */
  synchronized ByteBuf buffer() {
    if (!queuedOnce) {
      queuedOnce = true;
      return Unpooled.wrappedBuffer(frame); // most frames go to one recipient: no direct copy
    }
    if (shared == null) {
      if (!DirectMemory.roomFor(frame.length)) {
        return Unpooled.wrappedBuffer(frame);
      }
      // Never released here, so its count stays above zero while duplicates come and go.
      shared = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(frame.length).put(frame).flip());
    }
    return shared.retainedDuplicate();
  }
}
