package dev.parley.chat.netty.internal.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.chat.netty.internal.FuzzOracles;
import dev.parley.chat.netty.internal.JsonValues;
import dev.parley.chat.netty.internal.EngineFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes the Socket.IO packet decoder and the reassembly of binary packets (docs/fuzzing.md). The
 * input is a text packet, then its binary attachments, separated by U+001E (so an attachment never
 * holds that byte; its content does not matter to the decoder). The contract: a packet decodes or
 * is refused with {@link PacketCodec.Malformed}; nothing else is ever thrown. A packet that decodes
 * encodes back to frames that decode to the same packet.
 */
class PacketCodecFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void decode(byte[] input) throws PacketCodec.Malformed {
    List<byte[]> parts = split(input);
    String text = new String(parts.get(0), StandardCharsets.UTF_8);
    PacketCodec.Header header;
    try {
      header = PacketCodec.decodeText(text);
    } catch (PacketCodec.Malformed refused) {
      return;
    }
    assertThat(header.type()).isBetween(Packet.CONNECT, Packet.BINARY_ACK);
    assertThat(header.namespace()).startsWith("/");
    boolean binary = header.type() == Packet.BINARY_EVENT || header.type() == Packet.BINARY_ACK;
    assertThat(header.attachments()).isBetween(binary ? 1 : 0, binary ? PacketCodec.MAX_ATTACHMENTS : 0);
    List<byte[]> attachments = parts.subList(1, parts.size());
    if (attachments.size() < header.attachments()) {
      return; // still waiting for attachments, as SocketIoRuntime would be
    }
    Packet packet = assemble(header, attachments.subList(0, header.attachments()));
    if (packet == null) {
      return;
    }
    assertThat(packet.type()).isBetween(Packet.CONNECT, Packet.CONNECT_ERROR);
    // The number rule refuses what could not be sent on as the same value.
    assertThat(FuzzOracles.hasNonFinite(packet.data())).isFalse();
    Packet again = roundTrip(packet);
    assertThat(again).extracting(Packet::type, Packet::namespace, Packet::ackId)
        .containsExactly(packet.type(), packet.namespace(), packet.ackId());
    assertThat(FuzzOracles.comparable(again.data())).isEqualTo(FuzzOracles.comparable(packet.data()));
  }

  /** The packet, or null when refused as {@link PacketCodec.Malformed}. */
  private static Packet assemble(PacketCodec.Header header, List<byte[]> attachments) {
    try {
      return PacketCodec.assemble(header, List.copyOf(attachments));
    } catch (PacketCodec.Malformed refused) {
      return null;
    }
  }

  /** Encodes a packet as the server sends one and decodes what a client would receive. */
  private static Packet roundTrip(Packet packet) throws PacketCodec.Malformed {
    List<EngineFrame> frames = PacketCodec.encode(packet.type(), packet.namespace(), packet.ackId(), packet.data());
    // The attachments are the packet's byte arrays in the order the encoder meets them.
    List<byte[]> binaries = new ArrayList<>();
    if (packet.data() != null) {
      JsonValues.toJson(packet.data(), binaries);
    }
    assertThat(frames).hasSize(1 + binaries.size());
    String sent = new String(frames.get(0).utf8(), StandardCharsets.UTF_8);
    assertThat(sent).startsWith("4"); // an Engine.IO message
    PacketCodec.Header header = PacketCodec.decodeText(sent.substring(1));
    assertThat(header.attachments()).isEqualTo(binaries.size());
    return PacketCodec.assemble(header, binaries);
  }

  private static List<byte[]> split(byte[] input) {
    List<byte[]> parts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= input.length; i++) {
      if (i == input.length || input[i] == 0x1e) {
        parts.add(Arrays.copyOfRange(input, start, i));
        start = i + 1;
      }
    }
    return parts;
  }
}
