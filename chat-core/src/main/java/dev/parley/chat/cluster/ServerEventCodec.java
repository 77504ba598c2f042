package dev.parley.chat.cluster;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.MessageKind;
import dev.parley.chat.spi.ServerEvent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compact binary form of what a {@link ClusterEngine} carries between nodes and keeps in its log:
 * {@link RoomEntry room entries}, the {@link ServerEvent}s it routes, and {@link ChatMessage}s alone.
 * Engines use it so that they need no JSON library and no transport's internals, and so that every
 * engine stores messages the same way.
 *
 * <p>Events it encodes: {@link ServerEvent.Message}, {@link ServerEvent.Presence}, {@link
 * ServerEvent.HistoryCleared} and {@link ServerEvent.MessageChanged}, the events of a room's order and of
 * {@link ClusterEngine#toUser} and {@link ClusterEngine#toConnection} (with {@link ServerEvent.Delivered}),
 * and {@link ServerEvent.Typing}, {@link ServerEvent.Kicked}, {@link ServerEvent.Muted} and {@link
 * ServerEvent.Read}, which servers {@linkplain ClusterEngine#relay relay}. The others are answers to one
 * connection's requests, which never
 * leave their node; encoding one throws {@link IllegalArgumentException}.
 *
 * <p>A decoded value equals the encoded one, with every field: strings exactly (any Java string,
 * including a surrogate without its pair), times to the nanosecond, and message data with the same
 * Java types ({@code Integer}, {@code Long}, {@code Short}, {@code Byte}, {@code Double}, {@code
 * Float}, {@code BigInteger}, {@code BigDecimal}, {@code String}, {@code Boolean}, {@code null},
 * lists and maps), except that a {@code Number} of another class comes back as the {@code BigDecimal}
 * of its {@code toString()}. Data may nest at most {@value #MAX_DATA_DEPTH} levels, the data map itself
 * being the first; deeper data is refused by the encoder as well as the decoder, so that whatever one
 * node encodes, every node decodes.
 *
 * <h2>Format</h2>
 *
 * <pre>
 * payload   = version:u8 what:u8 body       version = {@value #FORMAT_VERSION}
 *   what 1: entry   = exclusion event
 *   what 2: event
 *   what 3: message
 * exclusion = connectionId:nstr user:nstr
 * notice    = 0 (none) | 1 message
 * event     = 1 message                     (Message)
 *           | 2 room:nstr user:nstr joined:bool notice   (Presence; versions 1 and 2 have no notice)
 *           | 3 room:nstr by:nstr throughId:nstr  (HistoryCleared; version 1 has no throughId)
 *           | 4 room:nstr user:nstr to:nstr typing:bool expiresInMillis:zigzag  (Typing; from version 3)
 *           | 5 room:nstr user:nstr reason:nstr banned:bool bannedUntil:ntime    (Kicked; from version 3)
 *           | 6 room:nstr user:nstr until:ntime reason:nstr                      (Muted; from version 3)
 *           | 7 message                                                       (MessageChanged; from version 4)
 *           | 8 room:nstr user:nstr to:nstr throughId:nstr                       (Read; from version 4)
 *           | 9 messageId:nstr to:nstr connection:nstr                           (Delivered; from version 4)
 * ntime     = 0 (none) | 1 epochSecond:zigzag nanos:var
 * message   = id:str epochSecond:zigzag nanos:var kind:u8 room:nstr sender:nstr recipient:nstr
 *             text:str data:map change       kind 0 ROOM, 1 PRIVATE, 2 NOTICE
 * change    = edited:ntime deleted:bool revision:nstr  (from version 4; earlier messages have none)
 * map       = count:var (key:nstr value)*
 * value     = 0 null | 1 false | 2 true | 3 Integer:zigzag | 4 Long:zigzag | 5 Short:zigzag
 *           | 6 Byte:zigzag | 7 Double:f64 | 8 Float:f32 | 9 BigInteger:bytes
 *           | 10 BigDecimal:scale:zigzag unscaled:bytes | 11 String:str | 12 count:var value*
 *           | 13 map
 * var = unsigned LEB128; zigzag = a signed number zigzag-mapped, then var; f64, f32 = IEEE 754 bits,
 * big-endian; bytes = length:var then the bytes (a BigInteger's two's complement, big-endian);
 * str = length:var then UTF-8, where a lone surrogate takes its own three bytes (WTF-8);
 * nstr = 0 for null, else length + 1 then the bytes; bool = 0 or 1.
 * </pre>
 *
 * <p><b>Versions.</b> The first byte is the format's version. Any change to the layout (a new event,
 * a new message field) makes a new version; this codec writes the newest it knows and reads every
 * version it knows, and rejects any other with {@link IllegalArgumentException}, so that a node never
 * misreads what a newer node wrote. A cluster that moves to a new version therefore first runs, on
 * every node, a Parley that reads it. Version 2 added {@code throughId} to HistoryCleared; a version
 * 1 HistoryCleared reads with {@code throughId} {@code null}. Version 3 added the live notice to
 * Presence (an earlier Presence reads without one) and the Typing, Kicked and Muted events, which nodes relay.
 * Version 4 added a message's change (an earlier message reads as never changed), the MessageChanged
 * event, the Read event, which nodes relay, and Delivered, which they route to a user.
 *
 * <p><b>Untrusted input.</b> Decoding checks every length and count against the bytes left before it
 * allocates, limits nesting, and rejects truncated input, bytes after the end, unknown tags, malformed
 * text and duplicate map keys with an {@link IllegalArgumentException} that names the offset; no input
 * makes it allocate more than a small multiple of the input's size or loop.
 *
 * <p><b>Threading.</b> Stateless: every method may be called from any thread at once.
 *
 * <p>Why one class of over 500 lines: the format above, its encoder and its decoder change together
 * (each new version touches all three), and keeping them side by side is what lets a reviewer check
 * that what one node writes, every node reads.
 */
public final class ServerEventCodec {
  // Over 500 lines on purpose: one job, one wire format. The byte-level reading and writing are
  // already apart (CodecReader, CodecWriter); what stays is the format's grammar (the Javadoc above,
  // about 75 lines) and, for each part of it, its writer and its reader, kept in one file so that a
  // change to one side is seen beside the other. A separate encoder and decoder would split each
  // format change over two files for no other gain.

  /** The version this codec writes; it reads this one and every earlier one. */
  public static final int FORMAT_VERSION = 4;

  /** The oldest version this codec reads. */
  private static final int OLDEST_VERSION = 1;
  /** The first version whose HistoryCleared carries {@code throughId}. */
  private static final int THROUGH_ID_VERSION = 2;
  /** The first version whose Presence may carry a notice. */
  private static final int NOTICE_VERSION = 3;
  /** The first version whose messages carry their change (edited, deleted, revision). */
  private static final int CHANGE_VERSION = 4;

  /** How deep message data may nest; the data map itself is the first level. */
  public static final int MAX_DATA_DEPTH = 64;

  private static final int WHAT_ENTRY = 1;
  private static final int WHAT_EVENT = 2;
  private static final int WHAT_MESSAGE = 3;

  private static final int EVENT_MESSAGE = 1;
  private static final int EVENT_PRESENCE = 2;
  private static final int EVENT_HISTORY_CLEARED = 3;
  private static final int EVENT_TYPING = 4;
  private static final int EVENT_KICKED = 5;
  private static final int EVENT_MUTED = 6;
  private static final int EVENT_MESSAGE_CHANGED = 7;
  private static final int EVENT_READ = 8;
  private static final int EVENT_DELIVERED = 9;

  private static final int NULL = 0;
  private static final int FALSE = 1;
  private static final int TRUE = 2;
  private static final int INTEGER = 3;
  private static final int LONG = 4;
  private static final int SHORT = 5;
  private static final int BYTE = 6;
  private static final int DOUBLE = 7;
  private static final int FLOAT = 8;
  private static final int BIG_INTEGER = 9;
  private static final int BIG_DECIMAL = 10;
  private static final int STRING = 11;
  private static final int LIST = 12;
  private static final int MAP = 13;

  private ServerEventCodec() {}

  // ------------------------------------------------------------------ encoding

  /**
   * Encodes a room entry.
   *
   * @throws IllegalArgumentException if its event is not one this codec carries, or its data nests
   *     too deep
   */
  public static byte[] encodeEntry(RoomEntry entry) {
    CodecWriter out = start(WHAT_ENTRY, entry.event());
    out.writeNullableString(entry.except().connectionId());
    out.writeNullableString(entry.except().user());
    writeEvent(out, entry.event());
    return out.toByteArray();
  }

  /**
   * Encodes an event.
   *
   * @throws IllegalArgumentException if it is not one this codec carries, or its data nests too deep
   */
  public static byte[] encodeEvent(ServerEvent event) {
    CodecWriter out = start(WHAT_EVENT, event);
    writeEvent(out, event);
    return out.toByteArray();
  }

  /**
   * Encodes a message.
   *
   * @throws IllegalArgumentException if its data nests too deep
   */
  public static byte[] encodeMessage(ChatMessage message) {
    CodecWriter out = new CodecWriter(sizeHint(message));
    out.writeByte(FORMAT_VERSION);
    out.writeByte(WHAT_MESSAGE);
    writeMessage(out, message);
    return out.toByteArray();
  }

  private static CodecWriter start(int what, ServerEvent event) {
    CodecWriter out = new CodecWriter(event instanceof ServerEvent.Message m ? sizeHint(m.message()) : 64);
    out.writeByte(FORMAT_VERSION);
    out.writeByte(what);
    return out;
  }

  private static int sizeHint(ChatMessage message) {
    // Text dominates; most of it is one byte per character, and data rarely needs a second growth.
    return 64 + message.text().length() + (message.data().isEmpty() ? 0 : 64);
  }

  private static void writeEvent(CodecWriter out, ServerEvent event) {
    if (event instanceof ServerEvent.Message m) {
      out.writeByte(EVENT_MESSAGE);
      writeMessage(out, m.message());
    } else if (event instanceof ServerEvent.Presence p) {
      out.writeByte(EVENT_PRESENCE);
      out.writeNullableString(p.room());
      out.writeNullableString(p.user());
      out.writeBoolean(p.joined());
      if (p.notice() == null) {
        out.writeByte(0);
      } else {
        out.writeByte(1);
        writeMessage(out, p.notice());
      }
    } else if (event instanceof ServerEvent.HistoryCleared h) {
      out.writeByte(EVENT_HISTORY_CLEARED);
      out.writeNullableString(h.room());
      out.writeNullableString(h.by());
      out.writeNullableString(h.throughId());
    } else if (event instanceof ServerEvent.Typing t) {
      out.writeByte(EVENT_TYPING);
      out.writeNullableString(t.room());
      out.writeNullableString(t.user());
      out.writeNullableString(t.to());
      out.writeBoolean(t.typing());
      out.writeZigZag(t.expiresInMillis());
    } else if (event instanceof ServerEvent.Kicked k) {
      out.writeByte(EVENT_KICKED);
      out.writeNullableString(k.room());
      out.writeNullableString(k.user());
      out.writeNullableString(k.reason());
      out.writeBoolean(k.banned());
      writeNullableTime(out, k.bannedUntil());
    } else if (event instanceof ServerEvent.Muted m) {
      out.writeByte(EVENT_MUTED);
      out.writeNullableString(m.room());
      out.writeNullableString(m.user());
      writeNullableTime(out, m.until());
      out.writeNullableString(m.reason());
    } else if (event instanceof ServerEvent.MessageChanged c) {
      out.writeByte(EVENT_MESSAGE_CHANGED);
      writeMessage(out, c.message());
    } else if (event instanceof ServerEvent.Read r) {
      out.writeByte(EVENT_READ);
      out.writeNullableString(r.room());
      out.writeNullableString(r.user());
      out.writeNullableString(r.to());
      out.writeNullableString(r.throughId());
    } else if (event instanceof ServerEvent.Delivered d) {
      out.writeByte(EVENT_DELIVERED);
      out.writeNullableString(d.messageId());
      out.writeNullableString(d.to());
      out.writeNullableString(d.connection());
    } else {
      throw new IllegalArgumentException(
          "a " + event.getClass().getSimpleName() + " never leaves its node; only Message, Presence, "
              + "HistoryCleared, Typing, Kicked, Muted, MessageChanged, Read and Delivered are encoded");
    }
  }

  private static void writeMessage(CodecWriter out, ChatMessage message) {
    out.writeString(message.id());
    out.writeZigZag(message.time().getEpochSecond());
    out.writeVarInt(message.time().getNano());
    out.writeByte(kindCode(message.kind()));
    out.writeNullableString(message.room());
    out.writeNullableString(message.sender());
    out.writeNullableString(message.recipient());
    out.writeString(message.text());
    writeMap(out, message.data(), 1);
    writeNullableTime(out, message.edited());
    out.writeBoolean(message.deleted());
    out.writeNullableString(message.revision());
  }

  private static int kindCode(MessageKind kind) {
    // Fixed codes rather than ordinal(), so that reordering the enum cannot change the format.
    switch (kind) {
      case ROOM:
        return 0;
      case PRIVATE:
        return 1;
      case NOTICE:
        return 2;
      default:
        throw new IllegalArgumentException("no code for message kind " + kind);
    }
  }

  private static void writeMap(CodecWriter out, Map<?, ?> map, int depth) {
    if (depth > MAX_DATA_DEPTH) {
      throw new IllegalArgumentException("message data nests deeper than " + MAX_DATA_DEPTH + " levels");
    }
    out.writeVarInt(map.size());
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (e.getKey() != null && !(e.getKey() instanceof String)) {
        throw new IllegalArgumentException(
            "a message data key that is not a string: " + e.getKey().getClass().getName());
      }
      out.writeNullableString((String) e.getKey());
      writeValue(out, e.getValue(), depth);
    }
  }

  private static void writeValue(CodecWriter out, Object value, int depth) {
    if (value == null) {
      out.writeByte(NULL);
    } else if (value instanceof String s) {
      out.writeByte(STRING);
      out.writeString(s);
    } else if (value instanceof Boolean b) {
      out.writeByte(b ? TRUE : FALSE);
    } else if (value instanceof Number n) {
      writeNumber(out, n);
    } else if (value instanceof Map<?, ?> m) {
      out.writeByte(MAP);
      writeMap(out, m, depth + 1);
    } else if (value instanceof List<?> l) {
      if (depth + 1 > MAX_DATA_DEPTH) {
        throw new IllegalArgumentException("message data nests deeper than " + MAX_DATA_DEPTH + " levels");
      }
      out.writeByte(LIST);
      out.writeVarInt(l.size());
      for (Object item : l) {
        writeValue(out, item, depth + 1);
      }
    } else {
      // ChatMessage admits only the types above; this is a guard, not a case.
      throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
    }
  }

  private static void writeNumber(CodecWriter out, Number n) {
    if (n instanceof Integer i) {
      out.writeByte(INTEGER);
      out.writeZigZag(i);
    } else if (n instanceof Long l) {
      out.writeByte(LONG);
      out.writeZigZag(l);
    } else if (n instanceof Double d) {
      out.writeByte(DOUBLE);
      out.writeFixed(Double.doubleToRawLongBits(d), 8);
    } else if (n instanceof Float f) {
      out.writeByte(FLOAT);
      out.writeFixed(Float.floatToRawIntBits(f), 4);
    } else if (n instanceof Short s) {
      out.writeByte(SHORT);
      out.writeZigZag(s);
    } else if (n instanceof Byte b) {
      out.writeByte(BYTE);
      out.writeZigZag(b);
    } else if (n instanceof BigInteger big) {
      out.writeByte(BIG_INTEGER);
      out.writeBytes(big.toByteArray());
    } else {
      BigDecimal decimal = n instanceof BigDecimal bd ? bd : otherNumber(n);
      out.writeByte(BIG_DECIMAL);
      out.writeZigZag(decimal.scale());
      out.writeBytes(decimal.unscaledValue().toByteArray());
    }
  }

  private static BigDecimal otherNumber(Number n) {
    try {
      return new BigDecimal(n.toString());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a " + n.getClass().getName() + " that is not a decimal number: " + n, e);
    }
  }

  // ------------------------------------------------------------------ decoding

  /**
   * Decodes a room entry that {@link #encodeEntry} made.
   *
   * @throws IllegalArgumentException if the bytes are not one, or of an unknown version
   */
  public static RoomEntry decodeEntry(byte[] bytes) {
    return decodeEntry(bytes, 0, bytes.length);
  }

  /**
   * Decodes a room entry that {@link #encodeEntry} made, from part of an array.
   *
   * @throws IllegalArgumentException if the bytes are not one, or of an unknown version
   */
  public static RoomEntry decodeEntry(byte[] bytes, int offset, int length) {
    CodecReader in = begin(bytes, offset, length, WHAT_ENTRY);
    int version = bytes[offset];
    String connectionId = in.readNullableString();
    String user = in.readNullableString();
    Exclusion except = connectionId == null && user == null ? Exclusion.none() : new Exclusion(connectionId, user);
    ServerEvent event = readEvent(in, version);
    in.expectEnd();
    return new RoomEntry(event, except);
  }

  /**
   * Decodes an event that {@link #encodeEvent} made.
   *
   * @throws IllegalArgumentException if the bytes are not one, or of an unknown version
   */
  public static ServerEvent decodeEvent(byte[] bytes) {
    return decodeEvent(bytes, 0, bytes.length);
  }

  /**
   * Decodes an event that {@link #encodeEvent} made, from part of an array.
   *
   * @throws IllegalArgumentException if the bytes are not one, or of an unknown version
   */
  public static ServerEvent decodeEvent(byte[] bytes, int offset, int length) {
    CodecReader in = begin(bytes, offset, length, WHAT_EVENT);
    ServerEvent event = readEvent(in, bytes[offset]);
    in.expectEnd();
    return event;
  }

  /**
   * Decodes a message that {@link #encodeMessage} made.
   *
   * @throws IllegalArgumentException if the bytes are not one, or of an unknown version
   */
  public static ChatMessage decodeMessage(byte[] bytes) {
    return decodeMessage(bytes, 0, bytes.length);
  }

  /**
   * Decodes a message that {@link #encodeMessage} made, from part of an array.
   *
   * @throws IllegalArgumentException if the bytes are not one, or of an unknown version
   */
  public static ChatMessage decodeMessage(byte[] bytes, int offset, int length) {
    CodecReader in = begin(bytes, offset, length, WHAT_MESSAGE);
    ChatMessage message = readMessage(in, bytes[offset]);
    in.expectEnd();
    return message;
  }

  private static CodecReader begin(byte[] bytes, int offset, int length, int what) {
    CodecReader in = new CodecReader(bytes, offset, length);
    int version = in.readByte();
    if (version < OLDEST_VERSION || version > FORMAT_VERSION) {
      throw in.malformed("format version " + version + ", and this codec reads only " + OLDEST_VERSION + " to "
          + FORMAT_VERSION);
    }
    int actual = in.readByte();
    if (actual != what) {
      throw in.malformed("a payload of kind " + actual + " where kind " + what + " was expected");
    }
    return in;
  }

  private static ServerEvent readEvent(CodecReader in, int version) {
    int tag = in.readByte();
    switch (tag) {
      case EVENT_MESSAGE:
        return new ServerEvent.Message(readMessage(in, version));
      case EVENT_PRESENCE:
        return readPresence(in, version);
      case EVENT_HISTORY_CLEARED:
        return new ServerEvent.HistoryCleared(in.readNullableString(), in.readNullableString(),
            version >= THROUGH_ID_VERSION ? in.readNullableString() : null);
      case EVENT_TYPING:
        requireVersion(in, version, "a typing event");
        return new ServerEvent.Typing(in.readNullableString(), in.readNullableString(), in.readNullableString(),
            in.readBoolean(), in.readZigZag());
      case EVENT_KICKED:
        requireVersion(in, version, "a kick");
        return new ServerEvent.Kicked(in.readNullableString(), in.readNullableString(), in.readNullableString(),
            in.readBoolean(), readNullableTime(in));
      case EVENT_MESSAGE_CHANGED:
        requireChangeVersion(in, version, "a message change");
        return new ServerEvent.MessageChanged(readMessage(in, version));
      case EVENT_MUTED:
        requireVersion(in, version, "a mute");
        return new ServerEvent.Muted(in.readNullableString(), in.readNullableString(), readNullableTime(in),
            in.readNullableString());
      case EVENT_READ:
        requireChangeVersion(in, version, "a read receipt");
        return new ServerEvent.Read(in.readNullableString(), in.readNullableString(), in.readNullableString(),
            in.readNullableString());
      case EVENT_DELIVERED:
        requireChangeVersion(in, version, "a delivery receipt");
        return new ServerEvent.Delivered(in.readNullableString(), in.readNullableString(), in.readNullableString());
      default:
        throw in.malformed("unknown event " + tag);
    }
  }

  private static void requireVersion(CodecReader in, int version, String what) {
    if (version < NOTICE_VERSION) {
      throw in.malformed(what + " in format version " + version);
    }
  }

  private static void requireChangeVersion(CodecReader in, int version, String what) {
    if (version < CHANGE_VERSION) {
      throw in.malformed(what + " in format version " + version);
    }
  }

  private static void writeNullableTime(CodecWriter out, Instant time) {
    if (time == null) {
      out.writeByte(0);
    } else {
      out.writeByte(1);
      out.writeZigZag(time.getEpochSecond());
      out.writeVarInt(time.getNano());
    }
  }

  private static Instant readNullableTime(CodecReader in) {
    int flag = in.readByte();
    if (flag == 0) {
      return null;
    }
    if (flag != 1) {
      throw in.malformed("a time flag of " + flag);
    }
    return readTime(in);
  }

  private static ServerEvent.Presence readPresence(CodecReader in, int version) {
    String room = in.readNullableString();
    String user = in.readNullableString();
    boolean joined = in.readBoolean();
    ChatMessage notice = null;
    if (version >= NOTICE_VERSION) {
      int flag = in.readByte();
      if (flag == 1) {
        notice = readMessage(in, version);
      } else if (flag != 0) {
        throw in.malformed("a notice flag of " + flag);
      }
    }
    return new ServerEvent.Presence(room, user, joined, notice);
  }

  private static ChatMessage readMessage(CodecReader in, int version) {
    String id = in.readString();
    Instant time = readTime(in);
    MessageKind kind = readKind(in);
    String room = in.readNullableString();
    String sender = in.readNullableString();
    String recipient = in.readNullableString();
    String text = in.readString();
    Map<String, Object> data = readMap(in, 1);
    Instant edited = null;
    boolean deleted = false;
    String revision = null;
    if (version >= CHANGE_VERSION) {
      edited = readNullableTime(in);
      deleted = in.readBoolean();
      revision = in.readNullableString();
    }
    // The builder copies data once more; it also refuses what no message may hold (NaN).
    return ChatMessage.builder(id, time, kind, text)
        .room(room)
        .sender(sender)
        .recipient(recipient)
        .data(data)
        .edited(edited)
        .deleted(deleted)
        .revision(revision)
        .build();
  }

  private static Instant readTime(CodecReader in) {
    long seconds = in.readZigZag();
    int nanos = in.readVarInt();
    if (nanos > 999_999_999) {
      throw in.malformed("a time with " + nanos + " nanoseconds");
    }
    try {
      return Instant.ofEpochSecond(seconds, nanos);
    } catch (DateTimeException | ArithmeticException e) {
      throw in.malformed("a time out of range");
    }
  }

  private static MessageKind readKind(CodecReader in) {
    int code = in.readByte();
    switch (code) {
      case 0:
        return MessageKind.ROOM;
      case 1:
        return MessageKind.PRIVATE;
      case 2:
        return MessageKind.NOTICE;
      default:
        throw in.malformed("unknown message kind " + code);
    }
  }

  private static Map<String, Object> readMap(CodecReader in, int depth) {
    if (depth > MAX_DATA_DEPTH) {
      throw in.malformed("data nests deeper than " + MAX_DATA_DEPTH + " levels");
    }
    // Each entry takes at least two bytes: an empty key and a one-byte value.
    int count = in.readCount(2);
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      String key = in.readNullableString();
      if (map.containsKey(key)) {
        throw in.malformed("a duplicate key in message data");
      }
      map.put(key, readValue(in, depth));
    }
    return map;
  }

  private static Object readValue(CodecReader in, int depth) {
    int tag = in.readByte();
    switch (tag) {
      case NULL:
        return null;
      case FALSE:
        return Boolean.FALSE;
      case TRUE:
        return Boolean.TRUE;
      case INTEGER:
        return (int) readRanged(in, Integer.MIN_VALUE, Integer.MAX_VALUE);
      case LONG:
        return in.readZigZag();
      case SHORT:
        return (short) readRanged(in, Short.MIN_VALUE, Short.MAX_VALUE);
      case BYTE:
        return (byte) readRanged(in, Byte.MIN_VALUE, Byte.MAX_VALUE);
      case DOUBLE:
        return Double.longBitsToDouble(in.readFixed(8));
      case FLOAT:
        return Float.intBitsToFloat((int) in.readFixed(4));
      case BIG_INTEGER:
        return readBigInteger(in);
      case BIG_DECIMAL:
        return readBigDecimal(in);
      case STRING:
        return in.readString();
      case LIST:
        return readList(in, depth + 1);
      case MAP:
        return readMap(in, depth + 1);
      default:
        throw in.malformed("unknown value type " + tag);
    }
  }

  private static List<Object> readList(CodecReader in, int depth) {
    if (depth > MAX_DATA_DEPTH) {
      throw in.malformed("data nests deeper than " + MAX_DATA_DEPTH + " levels");
    }
    int count = in.readCount(1);
    List<Object> list = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      list.add(readValue(in, depth));
    }
    return list;
  }

  private static long readRanged(CodecReader in, long min, long max) {
    long value = in.readZigZag();
    if (value < min || value > max) {
      throw in.malformed("a number out of its type's range");
    }
    return value;
  }

  private static BigInteger readBigInteger(CodecReader in) {
    byte[] magnitude = in.readBytes();
    if (magnitude.length == 0) {
      throw in.malformed("a big number without bytes");
    }
    return new BigInteger(magnitude);
  }

  private static BigDecimal readBigDecimal(CodecReader in) {
    long scale = readRanged(in, Integer.MIN_VALUE, Integer.MAX_VALUE);
    return new BigDecimal(readBigInteger(in), (int) scale);
  }
}
