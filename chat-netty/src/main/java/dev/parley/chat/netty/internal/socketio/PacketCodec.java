package dev.parley.chat.netty.internal.socketio;

import dev.parley.chat.netty.internal.StrictJson;
import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.TypeAdapter;
import dev.parley.chat.netty.internal.JsonValues;
import dev.parley.chat.netty.internal.EngineFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Encodes and decodes Socket.IO v5 packets: {@code <type>[<attachments>-][<namespace>,][<ack id>][<json>]},
 * binary attachments as placeholders {@code {"_placeholder":true,"num":N}} followed by the binary
 * frames. Malformed input (the cases behind the socket.io-parser advisories: bad types, bad JSON,
 * wrong or huge attachment counts, non-array events, reserved event names) is refused with {@link
 * Malformed}, never an unchecked failure.
 */
final class PacketCodec {
  /** As socket.io-parser's default: more attachments than this is an attack, not a message. */
  public static final int MAX_ATTACHMENTS = 10;
  private static final int MAX_ACK_ID_DIGITS = 15;
  /** Events a client may not send: the names of the server's own lifecycle events. */
  static final Set<String> RESERVED_EVENTS =
      Set.of("connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

  private static final TypeAdapter<JsonElement> ELEMENTS = new Gson().getAdapter(JsonElement.class);

  private PacketCodec() {}

  /** Why a packet was refused. */
  public static class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * A packet with a number that {@link JsonValues} refuses. A chat namespace answers such an event
   * with {@code BAD_REQUEST}; everywhere else it is malformed like any other.
   */
  public static final class RefusedNumber extends Malformed {
    private static final long serialVersionUID = 1L;
    private final transient Header header;

    RefusedNumber(Header header, String message) {
      super(message);
      this.header = header;
    }

    public Header header() {
      return header;
    }

    /** The event's name, or {@code null} if the packet is no event. */
    public String event() {
      boolean event = header.type() == Packet.EVENT || header.type() == Packet.BINARY_EVENT;
      return event ? header.json().getAsJsonArray().get(0).getAsString() : null;
    }
  }

  /** A text packet decoded, waiting for {@code attachments} binary frames when it is binary. */
  public record Header(int type, String namespace, long ackId, JsonElement json, int attachments) {}

  public static Header decodeText(String text) throws Malformed {
    if (text.isEmpty()) {
      throw new Malformed("empty packet");
    }
    int type = text.charAt(0) - '0';
    if (type < 0 || type > 6) {
      throw new Malformed("unknown packet type");
    }
    int i = 1;
    int attachments = 0;
    if (type == Packet.BINARY_EVENT || type == Packet.BINARY_ACK) {
      int dash = text.indexOf('-', i);
      if (dash < 0 || dash == i || dash - i > 2) {
        throw new Malformed("illegal attachments");
      }
      for (int k = i; k < dash; k++) {
        if (!Character.isDigit(text.charAt(k))) {
          throw new Malformed("illegal attachments");
        }
      }
      attachments = Integer.parseInt(text.substring(i, dash));
      if (attachments < 1 || attachments > MAX_ATTACHMENTS) {
        throw new Malformed("illegal attachments");
      }
      i = dash + 1;
    }
    String namespace = "/";
    if (i < text.length() && text.charAt(i) == '/') {
      int comma = text.indexOf(',', i);
      int end = comma < 0 ? text.length() : comma;
      namespace = text.substring(i, end);
      i = comma < 0 ? end : comma + 1;
    }
    long ackId = -1;
    int digitsStart = i;
    while (i < text.length() && Character.isDigit(text.charAt(i))) {
      i++;
    }
    if (i > digitsStart) {
      if (i - digitsStart > MAX_ACK_ID_DIGITS) {
        throw new Malformed("illegal ack id");
      }
      ackId = Long.parseLong(text.substring(digitsStart, i));
    }
    JsonElement json = i < text.length() ? parseJson(text.substring(i)) : null;
    if (!payloadValid(type, json)) {
      throw new Malformed("invalid payload");
    }
    if ((type == Packet.ACK || type == Packet.BINARY_ACK) && ackId < 0) {
      throw new Malformed("ack without id");
    }
    return new Header(type, namespace, ackId, json, attachments);
  }

  private static JsonElement parseJson(String s) throws Malformed {
    try {
      return StrictJson.parse(s);
    } catch (StrictJson.Invalid e) {
      throw new Malformed(e.trailingData() ? "trailing data" : "invalid JSON");
    }
  }

  private static boolean payloadValid(int type, JsonElement json) {
    return switch (type) {
      case Packet.CONNECT -> json == null || json.isJsonObject();
      case Packet.DISCONNECT -> json == null;
      case Packet.CONNECT_ERROR -> json != null && (json.isJsonObject() || isString(json));
      case Packet.EVENT, Packet.BINARY_EVENT -> json != null && json.isJsonArray()
          && !json.getAsJsonArray().isEmpty()
          && isString(json.getAsJsonArray().get(0))
          && !RESERVED_EVENTS.contains(json.getAsJsonArray().get(0).getAsString());
      case Packet.ACK, Packet.BINARY_ACK -> json != null && json.isJsonArray();
      default -> false;
    };
  }

  private static boolean isString(JsonElement e) {
    return e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
  }

  /** Turns a decoded header and its binary frames into a packet; checks every placeholder. */
  public static Packet assemble(Header header, List<byte[]> binaries) throws Malformed {
    Object data;
    try {
      boolean[] used = new boolean[binaries.size()];
      data = header.json() == null ? null : JsonValues.toJava(header.json(), o -> placeholder(o, binaries, used));
    } catch (JsonValues.RefusedNumber refused) {
      throw new RefusedNumber(header, "Field '" + field(header, refused.segments()) + "' " + refused.getMessage());
    }
    int type = header.type() == Packet.BINARY_EVENT ? Packet.EVENT
        : header.type() == Packet.BINARY_ACK ? Packet.ACK : header.type();
    return new Packet(type, header.namespace(), header.ackId(), data);
  }

  /**
   * Where a number is, as the receiving code sees it: {@code args[0].limit} for an event's or an
   * ack's arguments (the event name is not one of them), {@code auth.n} for a CONNECT payload.
   */
  private static String field(Header header, List<Object> segments) {
    if (header.json().isJsonArray() && !segments.isEmpty()) {
      boolean event = header.type() == Packet.EVENT || header.type() == Packet.BINARY_EVENT;
      int index = (Integer) segments.get(0) - (event ? 1 : 0);
      return JsonValues.RefusedNumber.path("args[" + index + "]", segments.subList(1, segments.size()));
    }
    return JsonValues.RefusedNumber.path(header.type() == Packet.CONNECT ? "auth" : "data", segments);
  }

  /**
   * The attachment a {@code {"_placeholder":true,"num":N}} object stands for, or null if it is none.
   * Each attachment may stand in one place only, as socket.io's clients send them: a packet naming
   * one attachment many times would otherwise be sent on with a copy for each place, past the
   * limit of attachments and many times its size.
   */
  private static byte[] placeholder(JsonObject o, List<byte[]> binaries, boolean[] used) throws Malformed {
    JsonElement marker = o.get("_placeholder");
    if (marker == null || !marker.isJsonPrimitive() || !marker.getAsJsonPrimitive().isBoolean() || !marker.getAsBoolean()) {
      return null;
    }
    JsonElement num = o.get("num");
    if (num == null || !num.isJsonPrimitive() || !num.getAsJsonPrimitive().isNumber()) {
      throw new Malformed("illegal attachment index");
    }
    Number n;
    try {
      n = JsonValues.number(num.getAsString());
    } catch (JsonValues.RefusedNumber refused) {
      throw new Malformed("illegal attachment index");
    }
    if (!(n instanceof Long index) || index < 0 || index >= binaries.size()) {
      throw new Malformed("illegal attachment index");
    }
    if (used[index.intValue()]) {
      throw new Malformed("attachment " + index + " stands in more than one place");
    }
    used[index.intValue()] = true;
    return binaries.get(index.intValue());
  }

  // ------------------------------------------------------------------ encoding

  /** Encodes a packet as the Engine.IO frames to send: the text packet, then any binary attachments. */
  public static List<EngineFrame> encode(int type, String namespace, long ackId, Object data) {
    // One builder, sized for the common small packet (a connect reply, an acknowledgement), written
    // in order; only a binary packet goes back to put its type and attachment count in front.
    StringBuilder sb = new StringBuilder(128);
    sb.append(type);
    if (!"/".equals(namespace)) {
      sb.append(namespace).append(',');
    }
    if (ackId >= 0) {
      sb.append(ackId);
    }
    List<byte[]> binaries = new ArrayList<>();
    if (data != null) {
      JsonValues.append(sb, data, binaries);
    }
    if (binaries.isEmpty()) {
      return List.of(EngineFrame.message(sb.toString()));
    }
    int wireType = type == Packet.EVENT ? Packet.BINARY_EVENT : type == Packet.ACK ? Packet.BINARY_ACK : type;
    sb.replace(0, 1, String.valueOf(wireType) + binaries.size() + '-'); // types are one digit
    List<EngineFrame> frames = new ArrayList<>(1 + binaries.size());
    frames.add(EngineFrame.message(sb.toString()));
    binaries.forEach(b -> frames.add(EngineFrame.binary(b)));
    return frames;
  }
}
