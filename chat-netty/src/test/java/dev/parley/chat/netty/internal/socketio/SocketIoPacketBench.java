package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.netty.internal.EngineFrame;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Socket.IO packets with chat-netty's internal {@link PacketCodec}: decoding a text EVENT packet to
 * Java values, and encoding an EVENT to the Engine.IO frames to send, without and with a binary
 * attachment.
 *
 * <p>A JMH benchmark in the test sources, beside the internal code it measures; how to run it is in
 * docs/benchmarks.md#microbenchmarks-of-chat-nettys-internals. Not a test: nothing runs it during a build.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SocketIoPacketBench {
  /** {@code socket.emit("message", {room, text})} as it arrives (the Engine.IO "4" already removed). */
  static final String EVENT_PACKET = "2[\"message\",{\"room\":\"lobby\",\"text\":\"Hello everyone, how is it going?\"}]";

  private List<Object> eventData;
  private List<Object> binaryEventData;

  @Setup
  public void setUp() throws PacketCodec.Malformed {
    eventData = List.of(
        "message",
        Map.of("room", "lobby", "user", "alice", "text", "Hello everyone, how is it going?", "time", 1_763_790_000_000L));
    byte[] attachment = new byte[1024];
    for (int i = 0; i < attachment.length; i++) {
      attachment[i] = (byte) i;
    }
    binaryEventData = List.of("file", Map.of("room", "lobby", "name", "a.bin", "content", attachment));
    if (decodeEvent().type() != Packet.EVENT || encodeEventWithAttachment().size() != 2) {
      throw new IllegalStateException("the benchmark packets are not what they should be");
    }
  }

  /** Text packet to header (Gson parse, checks), then to a {@link Packet} of Java values. */
  @Benchmark
  public Packet decodeEvent() throws PacketCodec.Malformed {
    PacketCodec.Header header = PacketCodec.decodeText(EVENT_PACKET);
    return PacketCodec.assemble(header, List.of());
  }

  /** An EVENT with a small object: one text frame. */
  @Benchmark
  public List<EngineFrame> encodeEvent() {
    return PacketCodec.encode(Packet.EVENT, "/", -1, eventData);
  }

  /** A BINARY_EVENT with one 1 KiB attachment: a text frame with a placeholder, then the binary frame. */
  @Benchmark
  public List<EngineFrame> encodeEventWithAttachment() {
    return PacketCodec.encode(Packet.EVENT, "/", -1, binaryEventData);
  }
}
