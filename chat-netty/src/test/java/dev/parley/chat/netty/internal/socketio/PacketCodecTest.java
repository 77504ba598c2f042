package dev.parley.chat.netty.internal.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.netty.internal.EngineFrame;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PacketCodecTest {

  private static Packet decode(String text, byte[]... binaries) throws PacketCodec.Malformed {
    PacketCodec.Header header = PacketCodec.decodeText(text);
    assertThat(header.attachments()).isEqualTo(binaries.length);
    return PacketCodec.assemble(header, Arrays.asList(binaries));
  }

  private static String text(EngineFrame f) {
    return new String(f.utf8(), StandardCharsets.UTF_8).substring(1); // without Engine.IO's "4"
  }

  @Test
  void decodesConnectWithAndWithoutAuth() throws Exception {
    assertThat(decode("0")).isEqualTo(new Packet(Packet.CONNECT, "/", -1, null));
    assertThat(decode("0/admin,")).isEqualTo(new Packet(Packet.CONNECT, "/admin", -1, null));
    assertThat(decode("0/admin")).isEqualTo(new Packet(Packet.CONNECT, "/admin", -1, null));
    assertThat(decode("0{\"token\":\"123\"}").data()).isEqualTo(Map.of("token", "123"));
    assertThat(decode("0/custom,{\"token\":\"abc\"}")).isEqualTo(
        new Packet(Packet.CONNECT, "/custom", -1, Map.of("token", "abc")));
  }

  @Test
  void decodesDisconnectEventsAndAcks() throws Exception {
    assertThat(decode("1/custom,")).isEqualTo(new Packet(Packet.DISCONNECT, "/custom", -1, null));
    assertThat(decode("2[\"message\",1,\"2\",{\"3\":[true]}]").data())
        .isEqualTo(List.of("message", 1L, "2", Map.of("3", List.of(true))));
    assertThat(decode("2/admin,456[\"e\"]")).isEqualTo(new Packet(Packet.EVENT, "/admin", 456, List.of("e")));
    assertThat(decode("3456[1,\"2\"]")).isEqualTo(new Packet(Packet.ACK, "/", 456, List.of(1L, "2")));
  }

  @Test
  void decodesBinaryEventsAndAcksWithTheirAttachments() throws Exception {
    byte[] a = {1, 2, 3};
    byte[] b = {4, 5, 6};
    Packet event = decode("52-[\"message\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", a, b);
    assertThat(event.type()).isEqualTo(Packet.EVENT);
    assertThat(event.data()).isEqualTo(List.of("message", a, b));
    Packet ack = decode("61-/x,7[{\"_placeholder\":true,\"num\":0}]", a);
    assertThat(ack).extracting(Packet::type, Packet::namespace, Packet::ackId).containsExactly(Packet.ACK, "/x", 7L);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",                                       // nothing at all
      "7[\"x\"]", "abc", "9",                   // unknown packet types
      "2{}", "2\"x\"", "2[]", "2[1]",           // events must be non-empty arrays named by a string
      "2[\"connect\"]", "2[\"disconnect\"]", "2[\"newListener\"]", // reserved event names
      "2[\"x\"", "2[\"x\"]junk", "2{'a':1}",    // bad or lenient JSON
      "2abc[\"message\"]",                      // an ack id that is not a number
      "21234567890123456[\"x\"]",               // an ack id too long to be one
      "0\"not an object\"", "0[1]",             // connect payload must be an object
      "1{}",                                    // disconnect has no payload
      "3[1]", "3{}",                            // ack without id, ack payload not an array
      "5[\"x\"]", "5-[\"x\"]", "5x-[\"x\"]",    // attachment counts missing or not numbers
      "50-[\"x\"]", "511-[\"x\"]",              // zero or more than ten attachments
      "5999999999-[\"x\"]"                      // a huge attachment count
  })
  void refusesMalformedPackets(String packet) {
    assertThatThrownBy(() -> PacketCodec.decodeText(packet)).isInstanceOf(PacketCodec.Malformed.class);
  }

  @Test
  void refusesPlaceholdersThatPointNowhere() throws Exception {
    PacketCodec.Header header = PacketCodec.decodeText("51-[\"x\",{\"_placeholder\":true,\"num\":1}]");
    assertThatThrownBy(() -> PacketCodec.assemble(header, List.of(new byte[1])))
        .isInstanceOf(PacketCodec.Malformed.class);
    PacketCodec.Header negative = PacketCodec.decodeText("51-[\"x\",{\"_placeholder\":true,\"num\":-1}]");
    assertThatThrownBy(() -> PacketCodec.assemble(negative, List.of(new byte[1])))
        .isInstanceOf(PacketCodec.Malformed.class);
  }

  @Test
  void refusesDeepNesting() {
    String deep = "2[\"x\"," + "[".repeat(40) + "]".repeat(40) + "]";
    assertThatThrownBy(() -> PacketCodec.decodeText(deep)).isInstanceOf(PacketCodec.Malformed.class);
  }

  @Test
  void encodesPacketsAsTheReferenceServerDoes() {
    assertThat(text(PacketCodec.encode(Packet.CONNECT, "/", -1, Map.of("sid", "abc")).get(0))).isEqualTo("0{\"sid\":\"abc\"}");
    assertThat(text(PacketCodec.encode(Packet.CONNECT_ERROR, "/random", -1, Map.of("message", "Invalid namespace")).get(0)))
        .isEqualTo("4/random,{\"message\":\"Invalid namespace\"}");
    assertThat(text(PacketCodec.encode(Packet.EVENT, "/", -1, List.of("message-back", 1, "2")).get(0)))
        .isEqualTo("2[\"message-back\",1,\"2\"]");
    assertThat(text(PacketCodec.encode(Packet.ACK, "/", 456, List.of(1, "2")).get(0))).isEqualTo("3456[1,\"2\"]");
    assertThat(text(PacketCodec.encode(Packet.DISCONNECT, "/custom", -1, null).get(0))).isEqualTo("1/custom,");
  }

  @Test
  void encodesBinaryAsPlaceholdersFollowedByAttachments() {
    byte[] a = {1, 2, 3};
    byte[] b = {4, 5, 6};
    List<EngineFrame> frames = PacketCodec.encode(Packet.EVENT, "/", -1, List.of("message-back", a, b));
    assertThat(frames).hasSize(3);
    assertThat(text(frames.get(0)))
        .isEqualTo("52-[\"message-back\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
    List<EngineFrame> ack = PacketCodec.encode(Packet.ACK, "/", 789, List.of(a, b));
    assertThat(text(ack.get(0))).isEqualTo("62-789[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
  }

  @Test
  void keepsNullsInsideObjects() {
    java.util.Map<String, Object> withNull = new java.util.LinkedHashMap<>();
    withNull.put("a", null);
    assertThat(text(PacketCodec.encode(Packet.EVENT, "/", -1, List.of("e", withNull)).get(0)))
        .isEqualTo("2[\"e\",{\"a\":null}]");
  }

  @Test
  void roundTripsNestedValues() throws Exception {
    Object value = List.of("e", Map.of("list", List.of(1L, 2.5, true), "nested", Map.of("s", "x")));
    EngineFrame frame = PacketCodec.encode(Packet.EVENT, "/", 3, value).get(0);
    assertThat(decode(text(frame)).data()).isEqualTo(value);
  }
}
