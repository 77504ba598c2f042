package dev.parley.chat.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The memory a message being assembled holds, measured exactly: the bytes the assembler's own
 * allocator has handed out and not had back (an instrumented unpooled allocator counts every buffer's
 * capacity), and the fragments it still references. Each referenced fragment costs far more than its
 * payload in a real server (a buffer object, a composite component and a pooled slot of at least 16
 * bytes), which is how one-byte fragments made 60 KB hold about 475 KB.
 */
class MessageAssemblerTest {
  private static final int LIMIT = 65_536;
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);

  private EmbeddedChannel channel(ChannelHandler assembler) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.config().setAllocator(alloc);
    ch.pipeline().addLast(assembler);
    return ch;
  }

  private static ByteBuf oneByte(int i) {
    return Unpooled.wrappedBuffer(new byte[] {(byte) ('a' + i % 26)});
  }

  @Test
  void oneByteFragmentsHoldOneBufferAtMostTwiceTheMessageSoFar() {
    EmbeddedChannel ch = channel(new MessageAssembler(LIMIT, DEADLINE));
    int fragments = 60_000;
    List<ByteBuf> sent = new ArrayList<>();
    ByteBuf first = oneByte(0);
    sent.add(first);
    ch.writeInbound(new TextWebSocketFrame(false, 0, first));
    for (int i = 1; i < fragments - 1; i++) {
      ByteBuf b = oneByte(i);
      sent.add(b);
      ch.writeInbound(new ContinuationWebSocketFrame(false, 0, b));
      long held = alloc.metric().usedHeapMemory();
      assertThat(held).as("bytes held after %d fragments", i + 1).isLessThanOrEqualTo(Math.max(64, 2L * (i + 1)));
    }
    assertThat(sent).as("fragments still referenced").allMatch(b -> b.refCnt() == 0);
    assertThat((Object) ch.readInbound()).as("nothing before the final fragment").isNull();

    ByteBuf last = oneByte(fragments - 1);
    ch.writeInbound(new ContinuationWebSocketFrame(true, 0, last));
    TextWebSocketFrame message = ch.readInbound();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < fragments; i++) {
      expected.append((char) ('a' + i % 26));
    }
    assertThat(message.text()).isEqualTo(expected.toString());
    message.release();
    assertThat(alloc.metric().usedHeapMemory()).as("nothing held once delivered").isZero();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void aMessageOverTheLimitFailsAndItsRemainingFragmentsAreDropped() {
    EmbeddedChannel ch = channel(new MessageAssembler(1024, DEADLINE));
    ch.writeInbound(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[1000])));
    assertThatThrownBy(() -> ch.writeInbound(new ContinuationWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[25]))))
        .isInstanceOf(TooLongFrameException.class);
    assertThat(alloc.metric().usedHeapMemory()).as("the partial message is released").isZero();
    ByteBuf rest = Unpooled.wrappedBuffer(new byte[10]);
    ch.writeInbound(new ContinuationWebSocketFrame(true, 0, rest));
    assertThat(rest.refCnt()).isZero();
    assertThat((Object) ch.readInbound()).isNull();

    ch.writeInbound(new TextWebSocketFrame(false, 0, Unpooled.copiedBuffer("ab", StandardCharsets.UTF_8)));
    ch.writeInbound(new ContinuationWebSocketFrame(true, 0, Unpooled.copiedBuffer("c", StandardCharsets.UTF_8)));
    TextWebSocketFrame next = ch.readInbound();
    assertThat(next.text()).as("the next message is assembled as usual").isEqualTo("abc");
    next.release();
  }

  @Test
  void controlFramesAndWholeMessagesPassThrough() {
    EmbeddedChannel ch = channel(new MessageAssembler(LIMIT, DEADLINE));
    ch.writeInbound(new TextWebSocketFrame(false, 0, Unpooled.copiedBuffer("a", StandardCharsets.UTF_8)));
    PongWebSocketFrame pong = new PongWebSocketFrame();
    ch.writeInbound(pong);
    assertThat((Object) ch.readInbound()).as("a pong in the middle of a message").isSameAs(pong);
    ch.writeInbound(new ContinuationWebSocketFrame(true, 0, Unpooled.copiedBuffer("b", StandardCharsets.UTF_8)));
    TextWebSocketFrame ab = ch.readInbound();
    assertThat(ab.text()).isEqualTo("ab");
    ab.release();
    TextWebSocketFrame whole = new TextWebSocketFrame("whole");
    ch.writeInbound(whole);
    assertThat((Object) ch.readInbound()).isSameAs(whole);
    whole.release();
    pong.release();
    ch.finishAndReleaseAll();
  }

  /** Netty's protocol handler, which answered pings, leaves the pipeline at the upgrade. */
  @Test
  void aPingIsAnsweredWithAPongOfItsPayload_alsoInTheMiddleOfAMessage_andGoesNoFurther() {
    EmbeddedChannel ch = channel(new MessageAssembler(LIMIT, DEADLINE));
    ch.writeInbound(new TextWebSocketFrame(false, 0, Unpooled.copiedBuffer("a", StandardCharsets.UTF_8)));
    ByteBuf payload = Unpooled.copiedBuffer("are you there", StandardCharsets.UTF_8);
    ch.writeInbound(new PingWebSocketFrame(payload));
    assertThat((Object) ch.readInbound()).as("the ping is not passed on").isNull();
    PongWebSocketFrame pong = ch.readOutbound();
    assertThat(pong.content().toString(StandardCharsets.UTF_8)).isEqualTo("are you there");
    pong.release();
    assertThat(payload.refCnt()).as("the ping's payload is released with the pong").isZero();

    ch.writeInbound(new ContinuationWebSocketFrame(true, 0, Unpooled.copiedBuffer("b", StandardCharsets.UTF_8)));
    TextWebSocketFrame ab = ch.readInbound();
    assertThat(ab.text()).as("the message around the ping").isEqualTo("ab");
    ab.release();
    ch.finishAndReleaseAll();
  }

  @Test
  void noPongFollowsOurCloseFrame() {
    EmbeddedChannel ch = channel(new MessageAssembler(LIMIT, DEADLINE));
    Closing.send(ch, 1001, "going away", false);
    CloseWebSocketFrame close = ch.readOutbound();
    assertThat(close.statusCode()).isEqualTo(1001);
    close.release();

    ByteBuf payload = Unpooled.copiedBuffer("late", StandardCharsets.UTF_8);
    ch.writeInbound(new PingWebSocketFrame(payload));
    assertThat((Object) ch.readOutbound()).as("nothing after the close frame").isNull();
    assertThat((Object) ch.readInbound()).isNull();
    assertThat(payload.refCnt()).isZero();
    ch.finishAndReleaseAll();
  }

  private static ByteBuf bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return Unpooled.wrappedBuffer(b);
  }

  private static void assertClosedWith1007(EmbeddedChannel ch) {
    assertThatThrownBy(ch::checkException).isInstanceOf(CorruptedWebSocketFrameException.class)
        .hasMessage("bytes are not UTF-8");
    CloseWebSocketFrame close = ch.readOutbound();
    assertThat(close.statusCode()).isEqualTo(1007);
    close.release();
  }

  /** Netty's UTF-8 validator, a handler of its own, is not in the pipeline: the assembler checks text. */
  @Test
  void aTextFrameThatIsNotUtf8ClosesWith1007() {
    EmbeddedChannel ch = channel(new MessageAssembler(LIMIT, DEADLINE));
    ByteBuf surrogate = bytes('a', 0xED, 0xA0, 0x80);
    ch.pipeline().fireChannelRead(new TextWebSocketFrame(true, 0, surrogate));
    assertClosedWith1007(ch);
    assertThat(surrogate.refCnt()).isZero();
    assertThat((Object) ch.readInbound()).isNull();

    EmbeddedChannel binary = channel(new MessageAssembler(LIMIT, DEADLINE));
    binary.writeInbound(new BinaryWebSocketFrame(true, 0, bytes(0xED, 0xA0, 0x80)));
    BinaryWebSocketFrame passed = binary.readInbound();
    assertThat(passed).as("binary frames are not text").isNotNull();
    passed.release();
    binary.finishAndReleaseAll();
    ch.finishAndReleaseAll();
  }

  /** As Netty's validator, before the rest of the message: 0xF4 0x90 can begin no character. */
  @Test
  void aFragmentedTextMessageFailsAsSoonAsItsBytesCanNoLongerBeUtf8() {
    EmbeddedChannel ch = channel(new MessageAssembler(LIMIT, DEADLINE));
    ch.writeInbound(new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(
        "κόσμε".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xF4})));
    ch.checkException();
    assertThat((Object) ch.readOutbound()).as("0xF4 may yet begin a character").isNull();
    ch.pipeline().fireChannelRead(new ContinuationWebSocketFrame(false, 0, bytes(0x90)));
    assertClosedWith1007(ch);
    assertThat(alloc.metric().usedHeapMemory()).as("the partial message is released").isZero();
    assertThat(ch.isOpen()).as("dropped once the close frame is written").isFalse();
    assertThat((Object) ch.readInbound()).isNull();
    ch.finishAndReleaseAll();
  }

  @Test
  void aCharacterSplitBetweenFragmentsIsText_butNotOneLeftUnfinished() {
    EmbeddedChannel ch = channel(new MessageAssembler(LIMIT, DEADLINE));
    ch.writeInbound(new TextWebSocketFrame(false, 0, bytes('a', 0xF0, 0x9F)));
    ch.writeInbound(new ContinuationWebSocketFrame(false, 0, bytes(0x98)));
    ch.writeInbound(new ContinuationWebSocketFrame(true, 0, bytes(0x80, 'b')));
    TextWebSocketFrame message = ch.readInbound();
    assertThat(message.text()).isEqualTo("a\uD83D\uDE00b");
    message.release();

    ch.writeInbound(new TextWebSocketFrame(false, 0, bytes('a')));
    ch.pipeline().fireChannelRead(new ContinuationWebSocketFrame(true, 0, bytes(0xCE)));
    assertClosedWith1007(ch);
    assertThat((Object) ch.readInbound()).isNull();
    assertThat(alloc.metric().usedHeapMemory()).isZero();
    ch.finishAndReleaseAll();
  }

  @Test
  void aMessageCutOffByTheCloseIsReleased() {
    EmbeddedChannel ch = channel(new MessageAssembler(LIMIT, DEADLINE));
    ch.writeInbound(new TextWebSocketFrame(false, 0, Unpooled.copiedBuffer("partial", StandardCharsets.UTF_8)));
    assertThat(alloc.metric().usedHeapMemory()).isPositive();
    ch.close();
    assertThat(alloc.metric().usedHeapMemory()).isZero();
  }

  @Test
  void aMessageNotCompleteByTheDeadlineIsDropped_andTheRestOfItIgnored() {
    EmbeddedChannel ch = channel(new MessageAssembler(LIMIT, DEADLINE));
    ch.freezeTime(); // only advanceTimeBy moves the channel's clock, however slow the machine
    ch.writeInbound(new TextWebSocketFrame(false, 0, Unpooled.copiedBuffer("{\"type\":", StandardCharsets.UTF_8)));
    ch.advanceTimeBy(DEADLINE.toMillis() - 1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    ch.checkException(); // nothing yet
    assertThat(alloc.metric().usedHeapMemory()).isPositive();

    ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThatThrownBy(ch::checkException).isInstanceOf(MessageAssembler.Incomplete.class);
    assertThat(alloc.metric().usedHeapMemory()).as("the partial message is released").isZero();

    ch.writeInbound(new ContinuationWebSocketFrame(true, 0, Unpooled.copiedBuffer("1}", StandardCharsets.UTF_8)));
    assertThat((Object) ch.readInbound()).as("the late last fragment is dropped").isNull();
    ch.finishAndReleaseAll();
  }

  @Test
  void aMessageCompleteInTimeCancelsItsDeadline() {
    EmbeddedChannel ch = channel(new MessageAssembler(LIMIT, DEADLINE));
    ch.freezeTime();
    ch.writeInbound(new TextWebSocketFrame(false, 0, Unpooled.copiedBuffer("a", StandardCharsets.UTF_8)));
    ch.writeInbound(new ContinuationWebSocketFrame(true, 0, Unpooled.copiedBuffer("b", StandardCharsets.UTF_8)));
    TextWebSocketFrame ab = ch.readInbound();
    ab.release();
    ch.advanceTimeBy(DEADLINE.toMillis() * 2, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    ch.checkException();
    ch.finishAndReleaseAll();
  }
}
