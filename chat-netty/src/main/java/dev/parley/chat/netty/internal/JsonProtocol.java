package dev.parley.chat.netty.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.TypeAdapter;
import com.google.gson.Gson;
import com.google.gson.stream.JsonWriter;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.ModerationAction;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.spi.SharedEvent;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parley's plain-JSON wire protocol (docs/protocol.md): client frames to {@link ClientRequest}s,
 * {@link ServerEvent}s to frames. Thread-safe.
 */
final class JsonProtocol {
  static final int MAX_REQUEST_ID_LENGTH = 64;
  static final int DEFAULT_HISTORY_PAGE = 50;

  private static final TypeAdapter<JsonElement> ELEMENTS = new Gson().getAdapter(JsonElement.class);

  /**
   * An event as the text frame every recipient of a fan-out is sent: the key under which a {@link
   * SharedEvent} keeps this protocol's encoding, so it is encoded and framed once for all of them.
   */
  private final SharedEvent.Encoding<WsFrame> frames = event -> new WsFrame(encode(event), false);

  /** Decodes one text frame; what cannot be decoded becomes {@link ClientRequest.Invalid}. */
  public ClientRequest decode(String text) {
    JsonObject frame;
    try {
      JsonElement element = StrictJson.parse(text);
      if (!element.isJsonObject()) {
        return error(null, ErrorCodes.BAD_REQUEST, "A frame must be a JSON object");
      }
      frame = element.getAsJsonObject();
    } catch (StrictJson.Invalid e) {
      return error(null, ErrorCodes.BAD_REQUEST,
          e.trailingData() ? "The frame has data after the JSON value" : "The frame is not valid JSON");
    }
    String id = null;
    try {
      id = optionalString(frame, "id");
      if (id != null && id.length() > MAX_REQUEST_ID_LENGTH) {
        return error(null, ErrorCodes.BAD_REQUEST, "Field 'id' is longer than " + MAX_REQUEST_ID_LENGTH + " characters");
      }
      String type = requiredString(frame, "type");
      ClientRequest request =
          switch (type) {
            case "join" -> new ClientRequest.Join(
                id, requiredString(frame, "room"), optionalString(frame, "username"), optionalString(frame, "since"));
            case "leave" -> new ClientRequest.Leave(id, requiredString(frame, "room"));
            case "message" -> new ClientRequest.Send(
                id, requiredString(frame, "room"), requiredString(frame, "text"), optionalData(frame));
            case "private" -> new ClientRequest.SendPrivate(
                id, requiredString(frame, "to"), requiredString(frame, "text"), optionalData(frame));
            case "members" -> new ClientRequest.Members(id, requiredString(frame, "room"));
            case "clear" -> new ClientRequest.ClearHistory(id, requiredString(frame, "room"));
            case "typing" -> new ClientRequest.Typing(
                id, optionalString(frame, "room"), optionalString(frame, "to"), optionalBoolean(frame, "typing", true));
            case "moderate" -> moderate(id, frame);
            case "read" -> new ClientRequest.Read(
                id, optionalString(frame, "room"), optionalString(frame, "from"), requiredString(frame, "through"));
            case "edit" -> new ClientRequest.Edit(id, optionalString(frame, "room"), optionalString(frame, "to"),
                requiredString(frame, "message"), requiredString(frame, "text"), optionalData(frame));
            case "delete" -> new ClientRequest.Delete(id, optionalString(frame, "room"), optionalString(frame, "to"),
                requiredString(frame, "message"));
            case "history" -> new ClientRequest.History(
                id, requiredString(frame, "room"), optionalString(frame, "before"), optionalLimit(frame));
            default -> null;
          };
      if (request == null) {
        return error(id, ErrorCodes.UNKNOWN_TYPE, "Unknown frame type '" + abbreviate(type) + "'");
      }
      return request;
    } catch (BadField e) {
      return error(id, ErrorCodes.BAD_REQUEST, e.getMessage());
    }
  }

  private static ClientRequest error(String id, String code, String message) {
    return new ClientRequest.Invalid(id, code, message);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }

  private static String requiredString(JsonObject frame, String field) {
    String value = optionalString(frame, field);
    if (value == null) {
      throw new BadField("Field '" + field + "' is required");
    }
    return value;
  }

  private static String optionalString(JsonObject frame, String field) {
    JsonElement e = frame.get(field);
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new BadField("Field '" + field + "' must be a string");
    }
    return e.getAsString();
  }

  private static ClientRequest moderate(String id, JsonObject frame) {
    ModerationAction action = Moderations.action(requiredString(frame, "action"));
    if (action == null) {
      throw new BadField(Moderations.ACTIONS);
    }
    JsonElement e = frame.get("duration");
    Double seconds = null;
    if (e != null && !e.isJsonNull()) {
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
        throw new BadField("Field 'duration' must be a number of seconds");
      }
      try {
        seconds = JsonValues.number(e.getAsString()).doubleValue();
      } catch (JsonValues.RefusedNumber refused) {
        throw new BadField("Field 'duration' " + refused.getMessage());
      }
    }
    // A list names no user: the server refuses one that does, and any other action without one.
    String user = action == ModerationAction.LIST ? optionalString(frame, "user") : requiredString(frame, "user");
    return new ClientRequest.Moderate(id, requiredString(frame, "room"), user, action,
        Moderations.duration(seconds), optionalString(frame, "reason"));
  }

  private static boolean optionalBoolean(JsonObject frame, String field, boolean absent) {
    JsonElement e = frame.get(field);
    if (e == null || e.isJsonNull()) {
      return absent;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
      throw new BadField("Field '" + field + "' must be true or false");
    }
    return e.getAsBoolean();
  }

  /** A history page's size; the server caps it, so only its form is checked here. */
  private static int optionalLimit(JsonObject frame) {
    JsonElement e = frame.get("limit");
    if (e == null || e.isJsonNull()) {
      return DEFAULT_HISTORY_PAGE;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw new BadField("Field 'limit' must be a number");
    }
    double limit;
    try {
      limit = JsonValues.number(e.getAsString()).doubleValue();
    } catch (JsonValues.RefusedNumber refused) {
      throw new BadField("Field 'limit' " + refused.getMessage());
    }
    if (limit < 1 || limit != Math.rint(limit)) {
      throw new BadField("Field 'limit' must be a whole number of at least 1");
    }
    return (int) Math.min(limit, Integer.MAX_VALUE);
  }

  private static Map<String, Object> optionalData(JsonObject frame) {
    JsonElement e = frame.get("data");
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (!e.isJsonObject()) {
      throw new BadField("Field 'data' must be an object");
    }
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) JsonValues.toJava(e);
      return map;
    } catch (JsonValues.RefusedNumber refused) {
      throw new BadField("Field '" + refused.path("data") + "' " + refused.getMessage());
    }
  }

  private static final class BadField extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadField(String message) {
      super(message, null, false, false);
    }
  }

  // ------------------------------------------------------------------ encoding

  /** The encoding a fan-out shares: see {@link #frames}. */
  public SharedEvent.Encoding<WsFrame> frames() {
    return frames;
  }

  /** Encodes an event as UTF-8 JSON. */
  public byte[] encode(ServerEvent event) {
    StringWriter out = new StringWriter(128);
    try (JsonWriter w = new JsonWriter(out)) {
      w.setSerializeNulls(false);
      w.beginObject();
      if (event instanceof ServerEvent.Message m) {
        w.name("type").value("message");
        w.name("message");
        writeMessage(w, m.message());
      } else if (event instanceof ServerEvent.MessageChanged e) {
        w.name("type").value(e.message().deleted() ? "deleted" : "edited");
        w.name("message");
        writeMessage(w, e.message());
      } else if (event instanceof ServerEvent.Welcome e) {
        w.name("type").value("welcome");
        w.name("connectionId").value(e.connectionId());
        w.name("user");
        nullable(w, e.user());
      } else if (event instanceof ServerEvent.Joined e) {
        w.name("type").value("joined");
        w.name("id").value(e.requestId());
        w.name("room").value(e.room());
        w.name("user").value(e.user());
        w.name("members");
        strings(w, e.members());
        w.name("history");
        messages(w, e.history());
        w.name("recovered").value(e.recovered());
        w.name("lastRead").value(e.lastRead());
        w.name("unread").value(e.unread());
      } else if (event instanceof ServerEvent.History e) {
        w.name("type").value("history");
        w.name("id").value(e.requestId());
        w.name("room").value(e.room());
        w.name("messages");
        messages(w, e.messages());
      } else if (event instanceof ServerEvent.Left e) {
        w.name("type").value("left");
        w.name("id").value(e.requestId());
        w.name("room").value(e.room());
      } else if (event instanceof ServerEvent.Ack e) {
        w.name("type").value("ack");
        w.name("id").value(e.requestId());
        w.name("message");
        if (e.message() == null) {
          nullable(w, null);
        } else {
          writeMessage(w, e.message());
        }
      } else if (event instanceof ServerEvent.Presence e) {
        w.name("type").value("presence");
        w.name("room").value(e.room());
        w.name("user").value(e.user());
        w.name("state").value(e.joined() ? "joined" : "left");
      } else if (event instanceof ServerEvent.Members e) {
        w.name("type").value("members");
        w.name("id").value(e.requestId());
        w.name("room").value(e.room());
        w.name("members");
        strings(w, e.members());
      } else if (event instanceof ServerEvent.HistoryCleared e) {
        w.name("type").value("cleared");
        w.name("room").value(e.room());
        w.name("by");
        nullable(w, e.by());
      } else if (event instanceof ServerEvent.Typing e) {
        w.name("type").value("typing");
        w.name("room").value(e.room());
        w.name("user").value(e.user());
        w.name("to").value(e.to());
        w.name("state").value(e.typing() ? "started" : "stopped");
        if (e.typing()) {
          w.name("expiresIn").value(e.expiresInMillis());
        }
      } else if (event instanceof ServerEvent.Kicked e) {
        w.name("type").value("kicked");
        w.name("room").value(e.room());
        w.name("reason").value(e.reason());
        w.name("banned").value(e.banned());
        if (e.bannedUntil() != null) {
          w.name("until").value(e.bannedUntil().toEpochMilli());
        }
      } else if (event instanceof ServerEvent.Muted e) {
        w.name("type").value("muted");
        w.name("room").value(e.room());
        w.name("until");
        if (e.until() == null) {
          nullable(w, null);
        } else {
          w.value(e.until().toEpochMilli());
        }
        w.name("reason").value(e.reason());
      } else if (event instanceof ServerEvent.Moderated e) {
        w.name("type").value("moderated");
        w.name("id").value(e.requestId());
        w.name("room").value(e.room());
        w.name("user").value(e.user());
        w.name("action").value(e.action().name().toLowerCase(Locale.ROOT));
      } else if (event instanceof ServerEvent.Restrictions e) {
        w.name("type").value("restrictions");
        w.name("id").value(e.requestId());
        w.name("room").value(e.room());
        w.name("restrictions").beginArray();
        for (dev.parley.chat.history.Restriction r : e.restrictions()) {
          w.beginObject();
          w.name("kind").value(Moderations.kind(r.kind()));
          w.name("user").value(r.user());
          w.name("until");
          if (r.until() == null) {
            nullable(w, null);
          } else {
            w.value(r.until().toEpochMilli());
          }
          w.name("reason").value(r.reason());
          w.endObject();
        }
        w.endArray();
      } else if (event instanceof ServerEvent.Read e) {
        w.name("type").value("read");
        w.name("room").value(e.room());
        w.name("user").value(e.user());
        w.name("to").value(e.to());
        w.name("through").value(e.throughId());
      } else if (event instanceof ServerEvent.Delivered e) {
        w.name("type").value("delivered");
        w.name("messageId").value(e.messageId());
        w.name("to").value(e.to());
        w.name("connection").value(e.connection());
      } else if (event instanceof ServerEvent.Error e) {
        w.name("type").value("error");
        w.name("id").value(e.requestId());
        w.name("code").value(e.code());
        w.name("message").value(e.message());
      } else {
        throw new IllegalArgumentException("unknown event " + event);
      }
      w.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Writes an explicit JSON null even though nulls are otherwise left out. */
  private static void nullable(JsonWriter w, String value) throws IOException {
    if (value == null) {
      w.setSerializeNulls(true);
      w.nullValue();
      w.setSerializeNulls(false);
    } else {
      w.value(value);
    }
  }

  private static void strings(JsonWriter w, List<String> values) throws IOException {
    w.beginArray();
    for (String v : values) {
      w.value(v);
    }
    w.endArray();
  }

  private static void messages(JsonWriter w, List<ChatMessage> messages) throws IOException {
    w.beginArray();
    for (ChatMessage m : messages) {
      writeMessage(w, m);
    }
    w.endArray();
  }

  private static void writeMessage(JsonWriter w, ChatMessage m) throws IOException {
    w.beginObject();
    w.name("id").value(m.id());
    w.name("time").value(m.time().toEpochMilli());
    w.name("kind").value(m.kind().name().toLowerCase(Locale.ROOT));
    w.name("room").value(m.room());
    w.name("sender").value(m.sender());
    w.name("to").value(m.recipient());
    w.name("text").value(m.text());
    if (!m.data().isEmpty()) {
      w.name("data");
      // Nulls inside data are the sender's values and are kept; only absent fields are left out.
      w.setSerializeNulls(true);
      ELEMENTS.write(w, JsonValues.toJson(m.data()));
      w.setSerializeNulls(false);
    }
    if (m.edited() != null) {
      w.name("edited").value(m.edited().toEpochMilli());
    }
    if (m.deleted()) {
      w.name("deleted").value(true);
    }
    w.name("revision").value(m.revision());
    w.endObject();
  }
}
