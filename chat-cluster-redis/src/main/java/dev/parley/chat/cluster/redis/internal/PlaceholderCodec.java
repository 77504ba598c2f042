package dev.parley.chat.cluster.redis.internal;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.MessageKind;
import dev.parley.chat.cluster.Exclusion;
import dev.parley.chat.cluster.RoomEntry;
import dev.parley.chat.spi.ServerEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in codec for the events the engine carries (room entries, and private messages, notices
 * and errors routed to other nodes), until chat-core's ServerEventCodec lands. Stateless.
 */
final class PlaceholderCodec implements EntryCodec {
  static final PlaceholderCodec INSTANCE = new PlaceholderCodec();

  @Override
  public byte[] encodeEntry(RoomEntry entry) {
    return write(out -> {
      writeNullable(out, entry.except().connectionId());
      writeNullable(out, entry.except().user());
      writeEvent(out, entry.event());
    });
  }

  @Override
  public RoomEntry decodeEntry(byte[] bytes, int offset) {
    DataInputStream in = input(bytes, offset);
    try {
      Exclusion except = new Exclusion(readNullable(in), readNullable(in));
      return new RoomEntry(readEvent(in), except);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public byte[] encodeEvent(ServerEvent event) {
    return write(out -> writeEvent(out, event));
  }

  @Override
  public ServerEvent decodeEvent(byte[] bytes, int offset) {
    try {
      return readEvent(input(bytes, offset));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] write(Writer w) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      w.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static DataInputStream input(byte[] bytes, int offset) {
    return new DataInputStream(new ByteArrayInputStream(bytes, offset, bytes.length - offset));
  }

  private static void writeEvent(DataOutputStream out, ServerEvent event) throws IOException {
    if (event instanceof ServerEvent.Message m) {
      out.writeByte('M');
      writeMessage(out, m.message());
    } else if (event instanceof ServerEvent.Presence p) {
      out.writeByte('P');
      out.writeUTF(p.room());
      out.writeUTF(p.user());
      out.writeBoolean(p.joined());
    } else if (event instanceof ServerEvent.HistoryCleared c) {
      out.writeByte('C');
      out.writeUTF(c.room());
      writeNullable(out, c.by());
    } else if (event instanceof ServerEvent.Error e) {
      out.writeByte('E');
      writeNullable(out, e.requestId());
      out.writeUTF(e.code());
      out.writeUTF(e.message());
    } else {
      throw new IllegalArgumentException("not carried between nodes: " + event.getClass().getSimpleName());
    }
  }

  private static ServerEvent readEvent(DataInputStream in) throws IOException {
    int kind = in.readByte();
    switch (kind) {
      case 'M':
        return new ServerEvent.Message(readMessage(in));
      case 'P':
        return new ServerEvent.Presence(in.readUTF(), in.readUTF(), in.readBoolean());
      case 'C':
        return new ServerEvent.HistoryCleared(in.readUTF(), readNullable(in));
      case 'E':
        return new ServerEvent.Error(readNullable(in), in.readUTF(), in.readUTF());
      default:
        throw new IllegalArgumentException("unknown event kind " + kind);
    }
  }

  private static void writeMessage(DataOutputStream out, ChatMessage m) throws IOException {
    out.writeUTF(m.id());
    out.writeLong(m.time().toEpochMilli());
    out.writeUTF(m.kind().name());
    writeNullable(out, m.room());
    writeNullable(out, m.sender());
    writeNullable(out, m.recipient());
    writeLong(out, m.text());
    writeValue(out, m.data());
  }

  private static ChatMessage readMessage(DataInputStream in) throws IOException {
    String id = in.readUTF();
    Instant time = Instant.ofEpochMilli(in.readLong());
    MessageKind kind = MessageKind.valueOf(in.readUTF());
    String room = readNullable(in);
    String sender = readNullable(in);
    String recipient = readNullable(in);
    String text = readLong(in);
    @SuppressWarnings("unchecked")
    Map<String, Object> data = (Map<String, Object>) readValue(in);
    return ChatMessage.builder(id, time, kind, text).room(room).sender(sender).recipient(recipient).data(data).build();
  }

  private static void writeValue(DataOutputStream out, Object v) throws IOException {
    if (v == null) {
      out.writeByte('n');
    } else if (v instanceof String s) {
      out.writeByte('s');
      writeLong(out, s);
    } else if (v instanceof Boolean b) {
      out.writeByte(b ? 't' : 'f');
    } else if (v instanceof Number n) {
      out.writeByte('d');
      out.writeUTF(n.toString());
    } else if (v instanceof List<?> list) {
      out.writeByte('l');
      out.writeInt(list.size());
      for (Object o : list) {
        writeValue(out, o);
      }
    } else if (v instanceof Map<?, ?> map) {
      out.writeByte('m');
      out.writeInt(map.size());
      for (Map.Entry<?, ?> e : map.entrySet()) {
        writeLong(out, (String) e.getKey());
        writeValue(out, e.getValue());
      }
    } else {
      throw new IllegalArgumentException("not a JSON value: " + v.getClass());
    }
  }

  private static Object readValue(DataInputStream in) throws IOException {
    int kind = in.readByte();
    switch (kind) {
      case 'n':
        return null;
      case 's':
        return readLong(in);
      case 't':
        return true;
      case 'f':
        return false;
      case 'd':
        return new java.math.BigDecimal(in.readUTF());
      case 'l': {
        int n = in.readInt();
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          list.add(readValue(in));
        }
        return list;
      }
      case 'm': {
        int n = in.readInt();
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          map.put(readLong(in), readValue(in));
        }
        return map;
      }
      default:
        throw new IllegalArgumentException("unknown value kind " + kind);
    }
  }

  private static void writeNullable(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      writeLong(out, s);
    }
  }

  private static String readNullable(DataInputStream in) throws IOException {
    return in.readBoolean() ? readLong(in) : null;
  }

  /** Strings past writeUTF's 64 KB. */
  private static void writeLong(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readLong(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }
}
