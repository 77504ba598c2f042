package dev.parley.chat;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One chat message as the server delivered it: who sent it, where to, when, and what it says.
 *
 * <p>Every field that identifies the message is set by the server: the {@link #id() id} is unique and
 * increases with time, the {@link #time() time} is the server's clock when the message was accepted,
 * and the {@link #sender() sender} is the identity of the connection that sent it, never a name the
 * client supplied.
 *
 * <p>Instances are immutable and therefore thread-safe: the {@link #data() data} is a deep,
 * unmodifiable copy taken when the message is built. {@link #id()}, {@link #time()}, {@link #kind()},
 * {@link #text()} and {@link #data()} are never {@code null}; {@link #room()}, {@link #sender()} and
 * {@link #recipient()} are {@code null} where the kind of message has none. Two messages are equal
 * when every field is equal.
 *
 * <p>The server creates the messages; code that makes its own, such as a {@link
 * dev.parley.chat.history.HistoryStore HistoryStore} reading messages back or a test, starts from
 * {@link #builder(String, Instant, MessageKind, String)} with the fields every message has and sets the
 * others it needs:
 *
 * <pre>{@code
 * ChatMessage message = ChatMessage.builder(id, time, MessageKind.ROOM, "hello")
 *     .room("lobby")
 *     .sender("alice")
 *     .build();
 * }</pre>
 *
 * <p>A copy with some fields changed is {@link #toBuilder()}, the changes, then {@link Builder#build()}.
 *
 * <p><b>Later versions may add fields.</b> New fields will be optional, with a default that describes
 * a message without the feature (for example, "never edited"), and will come with an accessor and a
 * builder method. Code that builds messages with the builder and copies them with {@code toBuilder()}
 * keeps compiling and working; it must not depend on how many fields there are (this type is not a
 * record, and has no public constructor for that reason). A store that persists messages keeps only
 * the fields it knows: messages it reads back carry the defaults for any others.
 */
public final class ChatMessage {
  private final String id;
  private final Instant time;
  private final MessageKind kind;
  private final String room;
  private final String sender;
  private final String recipient;
  private final String text;
  private final Map<String, Object> data;
  private final Instant edited;
  private final boolean deleted;
  private final String revision;

  private ChatMessage(Builder b) {
    this.id = Objects.requireNonNull(b.id, "id");
    this.time = Objects.requireNonNull(b.time, "time");
    this.kind = Objects.requireNonNull(b.kind, "kind");
    this.room = b.room;
    this.sender = b.sender;
    this.recipient = b.recipient;
    this.text = Objects.requireNonNull(b.text, "text");
    this.data = b.dataCopy != null ? b.dataCopy : b.data == null ? Map.of() : JsonValues.immutableObject(b.data);
    this.edited = b.edited;
    this.deleted = b.deleted;
    this.revision = b.revision;
  }

  /**
   * A builder for a message with the fields every message has; the others start unset ({@code null},
   * and empty {@code data}).
   *
   * @param id unique id; ids of later messages sort after those of earlier ones
   * @param time time at which the server accepted the message
   * @param kind what kind of message this is
   * @param text the message text
   * @return a new builder
   * @throws NullPointerException if any argument is {@code null}
   */
  public static Builder builder(String id, Instant time, MessageKind kind, String text) {
    return new Builder().id(id).time(time).kind(kind).text(text);
  }

  /**
   * A builder holding every field of this message, to build a copy with some of them changed.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.time = time;
    b.kind = kind;
    b.room = room;
    b.sender = sender;
    b.recipient = recipient;
    b.text = text;
    b.dataCopy = data;
    b.edited = edited;
    b.deleted = deleted;
    b.revision = revision;
    return b;
  }

  /**
   * The unique, server-assigned id; ids of later messages sort after those of earlier ones.
   *
   * @return the id, never {@code null}
   */
  public String id() {
    return id;
  }

  /**
   * The server's time at which the message was accepted.
   *
   * @return the time, never {@code null}
   */
  public Instant time() {
    return time;
  }

  /**
   * What kind of message this is, which decides who receives it.
   *
   * @return the kind, never {@code null}
   */
  public MessageKind kind() {
    return kind;
  }

  /**
   * The room the message was sent to.
   *
   * @return the room; {@code null} for private messages sent outside a room and for notices sent to a
   *     single connection
   */
  public String room() {
    return room;
  }

  /**
   * The sending user.
   *
   * @return the sender; {@code null} for {@link MessageKind#NOTICE notices}
   */
  public String sender() {
    return sender;
  }

  /**
   * The receiving user of a {@link MessageKind#PRIVATE private} message.
   *
   * @return the recipient of a private message, else {@code null}
   */
  public String recipient() {
    return recipient;
  }

  /**
   * The message text, shown as plain text by clients.
   *
   * @return the text, never {@code null}
   */
  public String text() {
    return text;
  }

  /**
   * Optional structured data: JSON-compatible values ({@code String}, {@code Number}, {@code Boolean},
   * {@code List}, {@code Map} or {@code null}).
   *
   * @return an unmodifiable map, at every level; empty when there is none, never {@code null}
   */
  public Map<String, Object> data() {
    return data;
  }

  /**
   * When the message was last changed by its sender (or a moderator): edited, or deleted.
   *
   * @return the time of the last edit or of the deletion; {@code null} (the default) if the message
   *     was never changed
   */
  public Instant edited() {
    return edited;
  }

  /**
   * Whether the message was deleted: it is then a <em>tombstone</em>, which keeps its id, time, kind,
   * room, sender and recipient, has an empty text and no data, and has {@link #edited()} set to the
   * time of the deletion.
   *
   * @return {@code true} for a tombstone; {@code false} (the default) otherwise
   */
  public boolean deleted() {
    return deleted;
  }

  /**
   * The place of the message's last change in its room's order: the id the {@link
   * dev.parley.chat.cluster.ClusterEngine} gave that edit or deletion, from the same sequence as
   * message ids, so it sorts after the id of every message ordered before the change. A client that
   * recovers after a reconnect gives the greatest of the ids and revisions it received as its {@code
   * since}.
   *
   * @return the revision; {@code null} (the default) if the message was never changed
   */
  public String revision() {
    return revision;
  }

  /**
   * Returns this message with new content; identity, time, kind and addressing stay as they are.
   *
   * @param newText the new text
   * @param newData the new structured data, or {@code null} for none
   * @return a copy with the new content
   * @throws NullPointerException if {@code newText} is {@code null}
   * @throws IllegalArgumentException if {@code newData} holds a value that is not JSON-compatible
   */
  public ChatMessage withContent(String newText, Map<String, ?> newData) {
    return toBuilder().text(newText).data(newData).build();
  }

  /**
   * Whether {@code o} is a {@code ChatMessage} with the same value in every field.
   *
   * @param o the object to compare with
   * @return whether the two are equal
   */
  @Override
  public boolean equals(Object o) {
    return o == this
        || (o instanceof ChatMessage m
            && id.equals(m.id)
            && time.equals(m.time)
            && kind == m.kind
            && Objects.equals(room, m.room)
            && Objects.equals(sender, m.sender)
            && Objects.equals(recipient, m.recipient)
            && text.equals(m.text)
            && data.equals(m.data)
            && Objects.equals(edited, m.edited)
            && deleted == m.deleted
            && Objects.equals(revision, m.revision));
  }

  /**
   * A hash code over every field, consistent with {@link #equals(Object)}.
   *
   * @return the hash code
   */
  @Override
  public int hashCode() {
    return Objects.hash(id, time, kind, room, sender, recipient, text, data, edited, deleted, revision);
  }

  /**
   * Every field, for debugging; the format may change.
   *
   * @return a description of this message
   */
  @Override
  public String toString() {
    return "ChatMessage[id=" + id
        + ", time=" + time
        + ", kind=" + kind
        + ", room=" + room
        + ", sender=" + sender
        + ", recipient=" + recipient
        + ", text=" + text
        + ", data=" + data
        + (edited == null ? "" : ", edited=" + edited)
        + (deleted ? ", deleted" : "")
        + (revision == null ? "" : ", revision=" + revision)
        + "]";
  }

  /**
   * Builds a {@link ChatMessage}; from {@link ChatMessage#builder(String, Instant, MessageKind, String)}
   * or {@link ChatMessage#toBuilder()}. Not thread-safe; {@link #build()} may be called more than once.
   */
  public static final class Builder {
    private String id;
    private Instant time;
    private MessageKind kind;
    private String room;
    private String sender;
    private String recipient;
    private String text;
    /** Data as set through {@link #data(Map)}, copied when built. */
    private Map<String, ?> data;
    /** Or data taken from a built message: already an immutable copy, which built messages share. */
    private Map<String, Object> dataCopy;
    private Instant edited;
    private boolean deleted;
    private String revision;

    private Builder() {}

    /**
     * Sets the id.
     *
     * @param id unique id; ids of later messages sort after those of earlier ones
     * @return this builder
     * @throws NullPointerException if {@code id} is {@code null}
     */
    public Builder id(String id) {
      this.id = Objects.requireNonNull(id, "id");
      return this;
    }

    /**
     * Sets the time.
     *
     * @param time time at which the server accepted the message
     * @return this builder
     * @throws NullPointerException if {@code time} is {@code null}
     */
    public Builder time(Instant time) {
      this.time = Objects.requireNonNull(time, "time");
      return this;
    }

    /**
     * Sets the kind.
     *
     * @param kind what kind of message this is
     * @return this builder
     * @throws NullPointerException if {@code kind} is {@code null}
     */
    public Builder kind(MessageKind kind) {
      this.kind = Objects.requireNonNull(kind, "kind");
      return this;
    }

    /**
     * Sets the room. Default {@code null}.
     *
     * @param room the room the message was sent to, or {@code null} for none
     * @return this builder
     */
    public Builder room(String room) {
      this.room = room;
      return this;
    }

    /**
     * Sets the sender. Default {@code null}.
     *
     * @param sender the sending user, or {@code null} for a notice
     * @return this builder
     */
    public Builder sender(String sender) {
      this.sender = sender;
      return this;
    }

    /**
     * Sets the recipient. Default {@code null}.
     *
     * @param recipient the receiving user of a private message, or {@code null}
     * @return this builder
     */
    public Builder recipient(String recipient) {
      this.recipient = recipient;
      return this;
    }

    /**
     * Sets the text.
     *
     * @param text the message text
     * @return this builder
     * @throws NullPointerException if {@code text} is {@code null}
     */
    public Builder text(String text) {
      this.text = Objects.requireNonNull(text, "text");
      return this;
    }

    /**
     * Sets the structured data. Default empty. {@link #build()} takes a deep, unmodifiable copy, so
     * later changes to {@code data} do not reach messages already built.
     *
     * @param data JSON-compatible values ({@code String}, {@code Number}, {@code Boolean}, {@code
     *     List}, {@code Map} or {@code null}), or {@code null} for none
     * @return this builder
     */
    public Builder data(Map<String, ?> data) {
      this.data = data;
      this.dataCopy = null;
      return this;
    }

    /**
     * Sets when the message was last edited or deleted. Default {@code null}: never changed.
     *
     * @param edited the time of the last change, or {@code null}
     * @return this builder
     */
    public Builder edited(Instant edited) {
      this.edited = edited;
      return this;
    }

    /**
     * Marks the message as deleted (a tombstone) or not. Default {@code false}. Only the mark: a
     * tombstone as the server makes it also has an empty text and no data.
     *
     * @param deleted whether the message was deleted
     * @return this builder
     */
    public Builder deleted(boolean deleted) {
      this.deleted = deleted;
      return this;
    }

    /**
     * Sets the place of the message's last change in its room's order. Default {@code null}: never
     * changed.
     *
     * @param revision the id of the last change, or {@code null}
     * @return this builder
     */
    public Builder revision(String revision) {
      this.revision = revision;
      return this;
    }

    /**
     * Builds the message.
     *
     * @return a new message
     * @throws IllegalArgumentException if the data holds a value that is not JSON-compatible (a type
     *     other than those listed on {@link #data(Map)}, or a number that is not finite)
     */
    public ChatMessage build() {
      return new ChatMessage(this);
    }
  }
}
