package dev.parley.chat.netty.internal;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.MessageKind;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.spi.SharedEvent;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Parley's plain-JSON protocol ({@link JsonProtocol}, an internal class of chat-netty): decoding a
 * client {@code message} frame and encoding the {@code message} event a room member receives.
 *
 * <p>A JMH benchmark in the test sources, beside the internal code it measures; how to run it is in
 * docs/benchmarks.md#microbenchmarks-of-chat-nettys-internals. Not a test: nothing runs it during a build.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JsonProtocolBench {
  /** A typical client frame: request id, room and a short text, no data. */
  static final String MESSAGE_FRAME =
      "{\"type\":\"message\",\"id\":\"42\",\"room\":\"lobby\",\"text\":\"Hello everyone, how is it going?\"}";

  private JsonProtocol protocol;
  private ServerEvent.Message event;
  private SharedEvent shared;

  @Setup
  public void setUp() {
    protocol = new JsonProtocol();
    ChatMessage message = ChatMessage.builder(
            "01JD8Z3K5Q0000000000000000",
            Instant.ofEpochMilli(1_763_790_000_000L),
            MessageKind.ROOM,
            "Hello everyone, how is it going?")
        .room("lobby")
        .sender("alice")
        .build();
    event = new ServerEvent.Message(message);
    shared = new SharedEvent(event);
    if (!(protocol.decode(MESSAGE_FRAME) instanceof ClientRequest.Send)) {
      throw new IllegalStateException("the benchmark frame does not decode to a Send");
    }
  }

  /** Text frame to {@link ClientRequest.Send}: Gson's tree parse plus field checks. */
  @Benchmark
  public ClientRequest decodeMessage() {
    return protocol.decode(MESSAGE_FRAME);
  }

  /** A message event to UTF-8 bytes, every time: the cost of the first member of a fan-out. */
  @Benchmark
  public byte[] encodeMessageFresh() {
    return protocol.encode(event);
  }

  /**
   * The frame of a fan-out's event that an earlier member encoded: what every further member of a
   * fan-out gets from its {@link SharedEvent}.
   */
  @Benchmark
  public WsFrame encodeMessageShared() {
    return shared.encoded(protocol.frames());
  }
}
