package dev.parley.chat.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.MessageKind;
import dev.parley.chat.spi.ServerEvent;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ServerEventCodecTest {
  private static final Instant TIME = Instant.parse("2026-03-01T12:00:00.123Z");

  private static ChatMessage.Builder message(String text) {
    return ChatMessage.builder("0000000000001", TIME, MessageKind.ROOM, text).room("lobby").sender("alice");
  }

  private static ChatMessage full() {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("n", 1);
    data.put("big", Long.MAX_VALUE);
    data.put("pi", 3.141592653589793);
    data.put("ok", true);
    data.put("none", null);
    data.put("tags", List.of("a", "b", Map.of("deep", List.of(1L, 2.5, "x"))));
    data.put("héllo", "wörld 🎉");
    return ChatMessage.builder("01HZX3Y4Z5A6B", TIME, MessageKind.PRIVATE, "hi 👋 مرحبا 你好")
        .room("lobby ☕")
        .sender("ålice")
        .recipient("bob")
        .data(data)
        .build();
  }

  private static ServerEvent roundTripEvent(ServerEvent event) {
    return ServerEventCodec.decodeEvent(ServerEventCodec.encodeEvent(event));
  }

  private static ChatMessage roundTrip(ChatMessage message) {
    return ServerEventCodec.decodeMessage(ServerEventCodec.encodeMessage(message));
  }

  // ------------------------------------------------------------------ round trips

  @Test
  void aMessageWithEveryFieldSetComesBackEqual() {
    ChatMessage message = full();

    assertThat(roundTrip(message)).isEqualTo(message);
    assertThat(roundTripEvent(new ServerEvent.Message(message))).isEqualTo(new ServerEvent.Message(message));
  }

  @Test
  void everyRoomEventComesBackEqualWithItsExclusion() {
    List<ServerEvent> events = List.of(
        new ServerEvent.Message(full()),
        new ServerEvent.Presence("lobby", "alice", true),
        new ServerEvent.Presence("lobby", "bob", false),
        new ServerEvent.HistoryCleared("lobby", "alice", "0000000000001"),
        new ServerEvent.HistoryCleared("lobby", null, null));
    List<Exclusion> exclusions = List.of(
        Exclusion.none(), new Exclusion("c1", null), new Exclusion(null, "alice"), new Exclusion("c1", "alice"));

    for (ServerEvent event : events) {
      assertThat(roundTripEvent(event)).isEqualTo(event);
      for (Exclusion except : exclusions) {
        RoomEntry entry = new RoomEntry(event, except);
        assertThat(ServerEventCodec.decodeEntry(ServerEventCodec.encodeEntry(entry))).isEqualTo(entry);
      }
    }
  }

  @Test
  void nullAndEmptyFieldsStayApart() {
    ChatMessage notice = ChatMessage.builder("0000000000002", TIME, MessageKind.NOTICE, "").build();
    ChatMessage empties = ChatMessage.builder("0000000000003", TIME, MessageKind.ROOM, "")
        .room("")
        .sender("")
        .recipient("")
        .data(Map.of("", ""))
        .build();

    assertThat(roundTrip(notice)).isEqualTo(notice);
    assertThat(roundTrip(notice).room()).isNull();
    assertThat(roundTrip(empties)).isEqualTo(empties);
    assertThat(roundTrip(empties).room()).isEmpty();
    assertThat(roundTripEvent(new ServerEvent.Presence(null, null, false)))
        .isEqualTo(new ServerEvent.Presence(null, null, false));
  }

  @Test
  void anyJavaStringComesBackExactlyIncludingLoneSurrogates() {
    String text = "a\u0000b é € 𝄞 🎉 \uD800 lone high, lone low \uDC00, reversed \uDC00\uD800, end \uD83D";
    ChatMessage message = message(text).sender("\uDBFF\uDFFF").build();

    ChatMessage back = roundTrip(message);

    assertThat(back.text()).isEqualTo(text);
    assertThat(back.sender()).isEqualTo("\uDBFF\uDFFF");
  }

  @Test
  void numbersKeepTheirValueAndType() {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("int", Integer.MIN_VALUE);
    data.put("intMax", Integer.MAX_VALUE);
    data.put("long", Long.MIN_VALUE);
    data.put("longMax", Long.MAX_VALUE);
    data.put("zero", 0L);
    data.put("short", Short.MIN_VALUE);
    data.put("byte", Byte.MAX_VALUE);
    data.put("double", Double.MAX_VALUE);
    data.put("tiny", Double.MIN_VALUE);
    data.put("negativeZero", -0.0);
    data.put("tenth", 0.1);
    data.put("float", 1.5f);
    data.put("bigInteger", new BigInteger("-123456789012345678901234567890"));
    data.put("bigDecimal", new BigDecimal("12345678901234567890.000000000000000001"));
    data.put("bigExponent", new BigDecimal("1E+999999"));

    Map<String, Object> back = roundTrip(message("n").data(data).build()).data();

    assertThat(back).isEqualTo(data);
    back.forEach((key, value) -> assertThat(value).as(key).isExactlyInstanceOf(data.get(key).getClass()));
    assertThat(Double.doubleToRawLongBits((Double) back.get("negativeZero")))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
  }

  @Test
  void anOtherKindOfNumberComesBackAsItsDecimal() {
    ChatMessage message = message("n").data(Map.of("counter", new AtomicLong(42))).build();

    assertThat(roundTrip(message).data()).isEqualTo(Map.of("counter", new BigDecimal("42")));
  }

  @Test
  void dataKeepsItsKeyOrderAndANullKey() {
    Map<String, Object> data = new LinkedHashMap<>();
    for (int i = 20; i > 0; i--) {
      data.put("k" + i, i);
    }
    data.put(null, "null key");

    Map<String, Object> back = roundTrip(message("n").data(data).build()).data();

    assertThat(new ArrayList<>(back.keySet())).isEqualTo(new ArrayList<>(data.keySet()));
    assertThat(back.get(null)).isEqualTo("null key");
  }

  @Test
  void timesKeepNanosecondsAndMayBeBeforeTheEpoch() {
    for (Instant time : List.of(Instant.EPOCH, Instant.parse("1969-12-31T23:59:59.999999999Z"),
        Instant.parse("2026-03-01T12:00:00.000000001Z"), Instant.MAX, Instant.MIN)) {
      ChatMessage message = message("t").time(time).build();
      assertThat(roundTrip(message).time()).isEqualTo(time);
    }
  }

  @Test
  void aLargeMessageRoundTrips() {
    String text = "ü".repeat(100_000) + "🎉".repeat(10_000);
    List<Object> items = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      items.add(Map.of("i", i));
    }
    ChatMessage message = message(text).data(Map.of("items", items)).build();

    assertThat(roundTrip(message)).isEqualTo(message);
  }

  @Test
  void aPartOfAnArrayDecodes() {
    byte[] encoded = ServerEventCodec.encodeMessage(full());
    byte[] padded = new byte[encoded.length + 7];
    System.arraycopy(encoded, 0, padded, 3, encoded.length);

    assertThat(ServerEventCodec.decodeMessage(padded, 3, encoded.length)).isEqualTo(full());
  }

  // ------------------------------------------------------------------ what is refused

  @Test
  void eventsThatNeverLeaveTheirNodeAreRefusedAtEncoding() {
    assertThatThrownBy(() -> ServerEventCodec.encodeEvent(new ServerEvent.Welcome("c1", "alice")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Welcome");
    assertThatThrownBy(() -> ServerEventCodec.encodeEntry(
            new RoomEntry(new ServerEvent.Left("r1", "lobby"), Exclusion.none())))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void dataAtTheDepthLimitRoundTripsAndDeeperIsRefusedAtEncoding() {
    ChatMessage atLimit = message("d").data(nested(ServerEventCodec.MAX_DATA_DEPTH - 1)).build();
    ChatMessage tooDeep = message("d").data(nested(ServerEventCodec.MAX_DATA_DEPTH)).build();

    assertThat(roundTrip(atLimit)).isEqualTo(atLimit);
    assertThatThrownBy(() -> ServerEventCodec.encodeMessage(tooDeep))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deeper");
  }

  /** A data map holding {@code levels} more levels below it, alternating lists and maps. */
  private static Map<String, Object> nested(int levels) {
    Object value = "bottom";
    for (int i = 0; i < levels; i++) {
      value = i % 2 == 0 ? List.of(value) : Map.of("m", value);
    }
    Map<String, Object> data = new HashMap<>();
    data.put("v", value);
    return data;
  }

  @Test
  void everyTruncationIsRefused() {
    List<byte[]> payloads = List.of(
        ServerEventCodec.encodeMessage(full()),
        ServerEventCodec.encodeEvent(new ServerEvent.Presence("lobby", "alice", true)),
        ServerEventCodec.encodeEntry(new RoomEntry(new ServerEvent.Message(full()), new Exclusion("c1", "alice"))),
        ServerEventCodec.encodeEntry(
            new RoomEntry(new ServerEvent.HistoryCleared("lobby", "alice", "0000000000001"), Exclusion.none())));

    for (byte[] payload : payloads) {
      for (int length = 0; length < payload.length; length++) {
        byte[] cut = Arrays.copyOf(payload, length);
        assertThatThrownBy(() -> decodeAny(cut))
            .as("cut to %d of %d bytes", length, payload.length)
            .isInstanceOf(IllegalArgumentException.class);
      }
    }
  }

  @Test
  void bytesAfterThePayloadAreRefused() {
    byte[] payload = ServerEventCodec.encodeMessage(full());
    byte[] longer = Arrays.copyOf(payload, payload.length + 1);

    assertThatThrownBy(() -> ServerEventCodec.decodeMessage(longer))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("after the end");
  }

  /** Version 1, which Redis logs written before version 2 still hold: a clear without throughId. */
  @Test
  void aVersion1ClearReadsWithoutThroughId() {
    byte[] entry = {1, 1, 0, 0, 3, 6, 'l', 'o', 'b', 'b', 'y', 6, 'a', 'l', 'i', 'c', 'e'};
    byte[] event = {1, 2, 3, 6, 'l', 'o', 'b', 'b', 'y', 1};
    ServerEvent cleared = new ServerEvent.HistoryCleared("lobby", "alice", null);

    assertThat(ServerEventCodec.decodeEntry(entry)).isEqualTo(new RoomEntry(cleared, Exclusion.none()));
    assertThat(ServerEventCodec.decodeEvent(event)).isEqualTo(new ServerEvent.HistoryCleared("lobby", "", null));
    assertThat(ServerEventCodec.encodeEvent(cleared)[0]).isEqualTo((byte) ServerEventCodec.FORMAT_VERSION);
  }

  /** Version 2, which Redis logs written before version 3 still hold: a presence without a notice. */
  @Test
  void aVersion2PresenceReadsWithoutANotice() {
    byte[] event = {2, 2, 2, 6, 'l', 'o', 'b', 'b', 'y', 6, 'a', 'l', 'i', 'c', 'e', 1};

    assertThat(ServerEventCodec.decodeEvent(event)).isEqualTo(new ServerEvent.Presence("lobby", "alice", true));
  }

  @Test
  void aChangedMessageAndItsChangeComeBackEqual_andAnEarlierVersionsMessageReadsAsNeverChanged() {
    ChatMessage edited = message("edited").edited(TIME.plusSeconds(9)).revision("0000000000009").build();
    ChatMessage tombstone = message("").deleted(true).edited(TIME.plusSeconds(10)).revision("000000000000A").build();
    ServerEvent.MessageChanged change = new ServerEvent.MessageChanged(edited);
    RoomEntry entry = new RoomEntry(new ServerEvent.MessageChanged(tombstone), new Exclusion("c1", null));

    assertThat(ServerEventCodec.decodeMessage(ServerEventCodec.encodeMessage(edited))).isEqualTo(edited);
    assertThat(roundTripEvent(change)).isEqualTo(change);
    assertThat(ServerEventCodec.decodeEntry(ServerEventCodec.encodeEntry(entry))).isEqualTo(entry);

    ChatMessage plain = message("x").build();
    byte[] current = ServerEventCodec.encodeMessage(plain);
    byte[] version3 = java.util.Arrays.copyOf(current, current.length - 3);
    version3[0] = 3;
    assertThat(ServerEventCodec.decodeMessage(version3)).isEqualTo(plain);
    byte[] older = ServerEventCodec.encodeEvent(change);
    older[0] = 3;
    assertThatThrownBy(() -> ServerEventCodec.decodeEvent(older)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("change");
  }

  @Test
  void aPresenceWithItsLiveNoticeComesBackEqual() {
    ChatMessage notice = ChatMessage.builder("0000000000002", TIME, MessageKind.NOTICE, "alice has joined")
        .room("lobby").build();
    ServerEvent.Presence presence = new ServerEvent.Presence("lobby", "alice", true, notice);
    RoomEntry entry = new RoomEntry(presence, new Exclusion(null, "alice"));

    assertThat(roundTripEvent(presence)).isEqualTo(presence);
    assertThat(ServerEventCodec.decodeEntry(ServerEventCodec.encodeEntry(entry))).isEqualTo(entry);
    assertThat(roundTripEvent(new ServerEvent.Presence("lobby", "alice", false)))
        .isEqualTo(new ServerEvent.Presence("lobby", "alice", false));
  }

  @Test
  void aTypingIndicatorComesBackEqual_andIsNoEventOfAnEarlierVersion() {
    ServerEvent inRoom = new ServerEvent.Typing("lobby", "alice", null, true, 6000);
    ServerEvent privately = new ServerEvent.Typing(null, "alice", "bob", false, 0);

    assertThat(roundTripEvent(inRoom)).isEqualTo(inRoom);
    assertThat(roundTripEvent(privately)).isEqualTo(privately);
    byte[] older = ServerEventCodec.encodeEvent(inRoom);
    older[0] = 2;
    assertThatThrownBy(() -> ServerEventCodec.decodeEvent(older)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("typing");
  }

  @Test
  void kicksAndMutesComeBackEqual() {
    Instant until = Instant.parse("2026-03-01T13:00:00.123456789Z");
    for (ServerEvent event : List.of(
        new ServerEvent.Kicked("lobby", "bob", "spam", true, until),
        new ServerEvent.Kicked("lobby", "bob", "", true, null),
        new ServerEvent.Kicked("lobby", "bob", "calm down", false, null),
        new ServerEvent.Muted("lobby", "bob", until, "shh"),
        new ServerEvent.Muted("lobby", "bob", null, ""))) {
      assertThat(roundTripEvent(event)).isEqualTo(event);
    }
  }

  @Test
  void readAndDeliveryReceiptsComeBackEqual_butNotFromBeforeVersion3() {
    for (ServerEvent event : List.of(
        new ServerEvent.Read("lobby", "bob", null, "006H02TQS7C00"),
        new ServerEvent.Read(null, "bob", "alice", "006H02TQS7C00"),
        new ServerEvent.Delivered("006H02TQS7C00", "bob", "0a1b2c3d4e5f6071"))) {
      assertThat(roundTripEvent(event)).isEqualTo(event);
      byte[] older = ServerEventCodec.encodeEvent(event);
      older[0] = 2;
      assertThatThrownBy(() -> ServerEventCodec.decodeEvent(older)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("receipt");
    }
  }

  @Test
  void anUnknownVersionIsRefused() {
    byte[] payload = ServerEventCodec.encodeMessage(full());
    payload[0] = (byte) (ServerEventCodec.FORMAT_VERSION + 1);

    assertThatThrownBy(() -> ServerEventCodec.decodeMessage(payload))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version " + (ServerEventCodec.FORMAT_VERSION + 1));
  }

  @Test
  void aPayloadOfAnotherKindIsRefused() {
    byte[] event = ServerEventCodec.encodeEvent(new ServerEvent.Message(full()));

    assertThatThrownBy(() -> ServerEventCodec.decodeEntry(event)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServerEventCodec.decodeMessage(event)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDepthBombIsRefusedWithoutExhaustingTheStack() {
    ByteArrayOutputStream bomb = dataOf(1, 0x01);
    for (int i = 0; i < 1_000_000; i++) {
      bomb.write(12); // a list
      bomb.write(1); // of one item
    }
    bomb.write(0);

    assertThatThrownBy(() -> ServerEventCodec.decodeMessage(bomb.toByteArray()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deeper than " + ServerEventCodec.MAX_DATA_DEPTH);
  }

  @Test
  void aCountLargerThanTheInputIsRefusedBeforeAllocating() {
    // A map claiming 2^31 - 1 entries, then a list claiming as many items, in a few bytes.
    ByteArrayOutputStream hugeMap = dataOf(0xFF, 0xFF, 0xFF, 0xFF, 0x07);
    ByteArrayOutputStream hugeList = dataOf(1, 0x01, 12, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0);

    assertThatThrownBy(() -> ServerEventCodec.decodeMessage(hugeMap.toByteArray()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("count");
    assertThatThrownBy(() -> ServerEventCodec.decodeMessage(hugeList.toByteArray()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("count");
  }

  @Test
  void malformedTextAndDuplicateKeysAreRefused() {
    ByteArrayOutputStream overlong = dataOf(1, 0x01, 11, 2, 0xC0, 0x80);
    ByteArrayOutputStream strayContinuation = dataOf(1, 0x01, 11, 1, 0x80);
    ByteArrayOutputStream beyondUnicode = dataOf(1, 0x01, 11, 4, 0xF4, 0x90, 0x80, 0x80);
    ByteArrayOutputStream duplicate = dataOf(2, 0x02, 'k', 0, 0x02, 'k', 0);

    for (ByteArrayOutputStream bad : List.of(overlong, strayContinuation, beyondUnicode, duplicate)) {
      assertThatThrownBy(() -> ServerEventCodec.decodeMessage(bad.toByteArray()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("malformed");
    }
  }

  @Test
  void aNumberThatNoMessageMayHoldIsRefused() {
    ByteArrayOutputStream nan = dataOf(1, 0x01, 7);
    long bits = Double.doubleToRawLongBits(Double.NaN);
    for (int shift = 56; shift >= 0; shift -= 8) {
      nan.write((int) (bits >>> shift));
    }

    assertThatThrownBy(() -> ServerEventCodec.decodeMessage(nan.toByteArray()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void corruptedInputIsRefusedOrDecodedNeverAnotherFailure() {
    Random random = new Random(11);
    byte[] valid = ServerEventCodec.encodeEntry(new RoomEntry(new ServerEvent.Message(full()), Exclusion.none()));

    for (int i = 0; i < 20_000; i++) {
      byte[] corrupt = valid.clone();
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        corrupt[random.nextInt(corrupt.length)] = (byte) random.nextInt(256);
      }
      try {
        ServerEventCodec.decodeEntry(corrupt);
      } catch (IllegalArgumentException expected) {
        // Refused: the outcome for most corruptions. Anything else fails the test.
      }
    }
  }

  /**
   * The bytes of a version 3 message, version and kind included, with no data, followed by {@code tail}: the
   * data map's count and entries, as a test makes them.
   */
  private static ByteArrayOutputStream dataOf(int... tail) {
    byte[] plain = ServerEventCodec.encodeMessage(message("x").build());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // As version 3 wrote it, where the empty data map is the last byte, its count 0: from version 4 the
    // message's change follows, and the tests append what they test after the data.
    out.write(3);
    out.write(plain, 1, plain.length - 5);
    for (int b : tail) {
      out.write(b);
    }
    return out;
  }

  private static Object decodeAny(byte[] bytes) {
    List<Function<byte[], Object>> decoders = List.of(
        ServerEventCodec::decodeMessage, ServerEventCodec::decodeEvent, ServerEventCodec::decodeEntry);
    // Cut input is refused by all three; the kind byte sends two of them away at once.
    IllegalArgumentException refused = null;
    for (Function<byte[], Object> decoder : decoders) {
      try {
        return decoder.apply(bytes);
      } catch (IllegalArgumentException e) {
        refused = e;
      }
    }
    throw refused;
  }
}
