package dev.parley.chat.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * Fuzzes the long-polling POST body's decoder (docs/fuzzing.md). Its contract: any body decodes to
 * its packets or to {@code null} (refused with "Bad request"); nothing is ever thrown, and a body
 * never decodes to no packet at all. The packets encode back to a body that decodes to the same.
 */
class PollingPayloadFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void decode(byte[] input) {
    // EngineIoServer reads the body as UTF-8, so any bytes are some string.
    String body = new String(input, StandardCharsets.UTF_8);
    List<Object> packets = PollingPayload.decode(body);
    if (packets == null) {
      return;
    }
    assertThat(packets).isNotEmpty();
    List<EngineFrame> frames = packets.stream()
        .map(p -> p instanceof byte[] b ? EngineFrame.binary(b) : EngineFrame.text((String) p))
        .toList();
    List<Object> again = PollingPayload.decode(PollingPayload.encode(frames));
    assertThat(again).isNotNull();
    assertThat(comparable(again)).isEqualTo(comparable(packets));
  }

  /** Packets as values that equals compares by content (byte arrays do not). */
  private static List<Object> comparable(List<Object> packets) {
    return packets.stream().map(p -> p instanceof byte[] b ? List.of(HexFormat.of().formatHex(b)) : p).toList();
  }
}
