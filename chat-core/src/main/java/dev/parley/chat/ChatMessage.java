package dev.parley.chat;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One chat message as the server delivered it. Immutable.
 *
 * <p>Every field that identifies the message is set by the server: the {@code id} is unique and
 * increases with time, the {@code time} is the server's clock when the message was accepted, and the
 * {@code sender} is the identity of the connection that sent it, never a name the client supplied.
 *
 * @param id unique, server-assigned id; ids of later messages sort after those of earlier ones
 * @param time server time at which the message was accepted
 * @param kind what kind of message this is
 * @param room the room it was sent to; {@code null} for private messages sent outside a room and for
 *     notices sent to a single connection
 * @param sender the sending user; {@code null} for {@link MessageKind#NOTICE notices}
 * @param recipient the receiving user of a {@link MessageKind#PRIVATE private} message, else {@code null}
 * @param text the message text, shown as plain text by clients
 * @param data optional structured data (JSON-compatible values: {@code String}, {@code Number},
 *     {@code Boolean}, {@code List}, {@code Map} or {@code null}); empty when there is none
 */
public record ChatMessage(
    String id,
    Instant time,
    MessageKind kind,
    String room,
    String sender,
    String recipient,
    String text,
    Map<String, Object> data) {

  /** Validates the message and takes an immutable copy of {@code data}. */
  public ChatMessage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(text, "text");
    data = data == null ? Map.of() : JsonValues.immutableObject(data);
  }

  /**
   * Returns this message with new content; identity, time, kind and addressing stay as they are.
   *
   * @param newText the new text
   * @param newData the new structured data, or {@code null} for none
   * @return a copy with the new content
   */
  public ChatMessage withContent(String newText, Map<String, ?> newData) {
    @SuppressWarnings("unchecked")
    Map<String, Object> d = (Map<String, Object>) newData;
    return new ChatMessage(id, time, kind, room, sender, recipient, newText, d);
  }
}
