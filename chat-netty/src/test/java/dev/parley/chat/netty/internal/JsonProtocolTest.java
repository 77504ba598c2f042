package dev.parley.chat.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.MessageKind;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.spi.SharedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonProtocolTest {
  private final JsonProtocol protocol = new JsonProtocol();

  private ClientRequest request(String json) {
    ClientRequest r = protocol.decode(json);
    assertThat(r).as("decoded " + json).isNotInstanceOf(ClientRequest.Invalid.class);
    return r;
  }

  private ClientRequest.Invalid error(String json) {
    ClientRequest r = protocol.decode(json);
    assertThat(r).as("decoded " + json).isInstanceOf(ClientRequest.Invalid.class);
    return (ClientRequest.Invalid) r;
  }

  private String encode(ServerEvent e) {
    return new String(protocol.encode(e), StandardCharsets.UTF_8);
  }

  @Test
  void decodesEveryRequestType() {
    assertThat(request("{\"type\":\"join\",\"room\":\"r\",\"username\":\"u\",\"id\":\"1\"}"))
        .isEqualTo(new ClientRequest.Join("1", "r", "u"));
    assertThat(request("{\"type\":\"join\",\"room\":\"r\"}")).isEqualTo(new ClientRequest.Join(null, "r", null));
    assertThat(request("{\"type\":\"leave\",\"room\":\"r\"}")).isEqualTo(new ClientRequest.Leave(null, "r"));
    assertThat(request("{\"type\":\"message\",\"room\":\"r\",\"text\":\"t\"}"))
        .isEqualTo(new ClientRequest.Send(null, "r", "t", null));
    assertThat(request("{\"type\":\"private\",\"to\":\"bob\",\"text\":\"t\"}"))
        .isEqualTo(new ClientRequest.SendPrivate(null, "bob", "t", null));
    assertThat(request("{\"type\":\"members\",\"room\":\"r\"}")).isEqualTo(new ClientRequest.Members(null, "r"));
    assertThat(request("{\"type\":\"clear\",\"room\":\"r\"}")).isEqualTo(new ClientRequest.ClearHistory(null, "r"));
    assertThat(request("{\"type\":\"join\",\"room\":\"r\",\"since\":\"01HZ\"}"))
        .isEqualTo(new ClientRequest.Join(null, "r", null, "01HZ"));
    assertThat(request("{\"type\":\"history\",\"room\":\"r\",\"before\":\"01HZ\",\"limit\":20}"))
        .isEqualTo(new ClientRequest.History(null, "r", "01HZ", 20));
    assertThat(request("{\"type\":\"history\",\"room\":\"r\"}"))
        .isEqualTo(new ClientRequest.History(null, "r", null, JsonProtocol.DEFAULT_HISTORY_PAGE));
    assertThat(request("{\"type\":\"read\",\"id\":\"9\",\"room\":\"r\",\"through\":\"01HZ\"}"))
        .isEqualTo(new ClientRequest.Read("9", "r", null, "01HZ"));
    assertThat(request("{\"type\":\"read\",\"from\":\"bob\",\"through\":\"01HZ\"}"))
        .isEqualTo(new ClientRequest.Read(null, null, "bob", "01HZ"));
    assertThat(error("{\"type\":\"read\",\"id\":\"9\",\"room\":\"r\"}"))
        .isEqualTo(new ClientRequest.Invalid("9", "BAD_REQUEST", "Field 'through' is required"));
  }

  @Test
  void dataBecomesJavaValues_integersAsLongs() {
    ClientRequest.Send send = (ClientRequest.Send) request(
        "{\"type\":\"message\",\"room\":\"r\",\"text\":\"t\",\"data\":{\"n\":3,\"x\":1.5,\"ok\":true,\"list\":[\"a\",null],\"o\":{}}}");
    assertThat(send.data()).containsEntry("n", 3L).containsEntry("x", 1.5).containsEntry("ok", true);
    assertThat(send.data().get("list")).isEqualTo(java.util.Arrays.asList("a", null));
  }

  @Test
  void refusesMalformedFrames() {
    assertThat(error("").code()).isEqualTo(ErrorCodes.BAD_REQUEST);
    assertThat(error("nope").code()).isEqualTo(ErrorCodes.BAD_REQUEST);
    assertThat(error("\"a string\"").code()).isEqualTo(ErrorCodes.BAD_REQUEST);
    assertThat(error("{\"type\":\"join\",\"room\":\"r\"}{}").code()).isEqualTo(ErrorCodes.BAD_REQUEST);
    assertThat(error("{'type':'join','room':'r'}").code()).as("lenient JSON is refused").isEqualTo(ErrorCodes.BAD_REQUEST);
    assertThat(error("{\"room\":\"r\"}").message()).isEqualTo("Field 'type' is required");
    assertThat(error("{\"type\":\"join\",\"room\":[]}").message()).isEqualTo("Field 'room' must be a string");
    assertThat(error("{\"type\":\"join\",\"room\":\"r\",\"id\":5}").message()).isEqualTo("Field 'id' must be a string");
    assertThat(error("{\"type\":\"message\",\"room\":\"r\",\"text\":\"t\",\"data\":\"x\"}").message())
        .isEqualTo("Field 'data' must be an object");
    assertThat(error("{\"type\":\"history\",\"room\":\"r\",\"limit\":\"5\"}").message())
        .isEqualTo("Field 'limit' must be a number");
    assertThat(error("{\"type\":\"history\",\"room\":\"r\",\"limit\":0}").message())
        .isEqualTo("Field 'limit' must be a whole number of at least 1");
    String deep = "{\"type\":\"join\",\"room\":\"r\",\"d\":" + "[".repeat(StrictJson.MAX_NESTING) + "]".repeat(StrictJson.MAX_NESTING) + "}";
    assertThat(error(deep).code()).isEqualTo(ErrorCodes.BAD_REQUEST);
  }

  @Test
  void unknownTypesKeepTheirRequestId() {
    ClientRequest.Invalid e = error("{\"type\":\"nope\",\"id\":\"7\"}");
    assertThat(e).isEqualTo(new ClientRequest.Invalid("7", ErrorCodes.UNKNOWN_TYPE, "Unknown frame type 'nope'"));
  }

  @Test
  void nullsInsideDataAreKept() {
    java.util.Map<String, Object> data = new java.util.LinkedHashMap<>();
    data.put("reply", null);
    ChatMessage m = ChatMessage.builder("01", Instant.ofEpochMilli(1), MessageKind.ROOM, "t").room("r").sender("a").data(data).build();
    assertThat(encode(new ServerEvent.Message(m))).contains("\"data\":{\"reply\":null}").doesNotContain("\"to\"");
  }

  @Test
  void encodesMessagesWithoutNullFields() {
    ChatMessage m = ChatMessage.builder("01", Instant.ofEpochMilli(1000), MessageKind.ROOM, "hi \"you\" <b>")
        .room("lobby").sender("alice").data(Map.of("n", 1)).build();
    assertThat(encode(new ServerEvent.Message(m))).isEqualTo(
        "{\"type\":\"message\",\"message\":{\"id\":\"01\",\"time\":1000,\"kind\":\"room\",\"room\":\"lobby\","
            + "\"sender\":\"alice\",\"text\":\"hi \\\"you\\\" <b>\",\"data\":{\"n\":1}}}");
  }

  @Test
  void encodesEveryEventType() {
    ChatMessage notice = ChatMessage.builder("02", Instant.ofEpochMilli(5), MessageKind.NOTICE, "hello").build();
    assertThat(encode(new ServerEvent.Welcome("c1", null))).isEqualTo("{\"type\":\"welcome\",\"connectionId\":\"c1\",\"user\":null}");
    assertThat(encode(new ServerEvent.Joined("j", "r", "u", List.of("u"), List.of(notice), true))).isEqualTo(
        "{\"type\":\"joined\",\"id\":\"j\",\"room\":\"r\",\"user\":\"u\",\"members\":[\"u\"],"
            + "\"history\":[{\"id\":\"02\",\"time\":5,\"kind\":\"notice\",\"text\":\"hello\"}],\"recovered\":true,\"unread\":0}");
    assertThat(encode(new ServerEvent.Joined("j", "r", "u", List.of("u"), List.of(), false, "02", 7))).isEqualTo(
        "{\"type\":\"joined\",\"id\":\"j\",\"room\":\"r\",\"user\":\"u\",\"members\":[\"u\"],"
            + "\"history\":[],\"recovered\":false,\"lastRead\":\"02\",\"unread\":7}");
    assertThat(encode(new ServerEvent.Read("r", "bob", null, "02")))
        .isEqualTo("{\"type\":\"read\",\"room\":\"r\",\"user\":\"bob\",\"through\":\"02\"}");
    assertThat(encode(new ServerEvent.Read(null, "bob", "alice", "02")))
        .isEqualTo("{\"type\":\"read\",\"user\":\"bob\",\"to\":\"alice\",\"through\":\"02\"}");
    assertThat(encode(new ServerEvent.Delivered("02", "bob", "5f1c0e2a9b7d4c83"))).isEqualTo(
        "{\"type\":\"delivered\",\"messageId\":\"02\",\"to\":\"bob\",\"connection\":\"5f1c0e2a9b7d4c83\"}");
    assertThat(encode(new ServerEvent.History("h", "r", List.of(notice)))).isEqualTo(
        "{\"type\":\"history\",\"id\":\"h\",\"room\":\"r\","
            + "\"messages\":[{\"id\":\"02\",\"time\":5,\"kind\":\"notice\",\"text\":\"hello\"}]}");
    assertThat(encode(new ServerEvent.Left(null, "r"))).isEqualTo("{\"type\":\"left\",\"room\":\"r\"}");
    assertThat(encode(new ServerEvent.Ack("a", null))).isEqualTo("{\"type\":\"ack\",\"id\":\"a\",\"message\":null}");
    assertThat(encode(new ServerEvent.Presence("r", "u", false)))
        .isEqualTo("{\"type\":\"presence\",\"room\":\"r\",\"user\":\"u\",\"state\":\"left\"}");
    assertThat(encode(new ServerEvent.Members("m", "r", List.of("a", "b"))))
        .isEqualTo("{\"type\":\"members\",\"id\":\"m\",\"room\":\"r\",\"members\":[\"a\",\"b\"]}");
    assertThat(encode(new ServerEvent.HistoryCleared("r", null, "0000000000001"))).isEqualTo("{\"type\":\"cleared\",\"room\":\"r\",\"by\":null}");
    assertThat(encode(new ServerEvent.Error(null, "X", "y"))).isEqualTo("{\"type\":\"error\",\"code\":\"X\",\"message\":\"y\"}");
  }

  @Test
  void aFanOutsEventIsEncodedOnce_byItsSharedEvent() {
    ServerEvent.Presence event = new ServerEvent.Presence("r", "u", true);
    SharedEvent shared = new SharedEvent(event);
    WsFrame first = shared.encoded(protocol.frames());
    protocol.encode(new ServerEvent.Presence("r", "v", false)); // another event encoded in between
    assertThat(shared.encoded(protocol.frames())).isSameAs(first);
    assertThat(new SharedEvent(event).encoded(protocol.frames())).as("another fan-out encodes for itself")
        .isNotSameAs(first);
  }

  @Test
  void closeReasonsAreCutToWholeCharactersWithin123Bytes() {
    String reason = "é".repeat(100); // 200 bytes
    String cut = Closing.truncate(reason);
    assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
    assertThat(cut).isEqualTo("é".repeat(61));
    assertThat(Closing.truncate("short")).isEqualTo("short");
  }
}
