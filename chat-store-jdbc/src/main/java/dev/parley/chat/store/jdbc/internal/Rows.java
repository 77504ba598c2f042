package dev.parley.chat.store.jdbc.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.ToNumberPolicy;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.MessageKind;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Map;

/** A message as a row of the messages table, and back. */
final class Rows {
  /** The columns every read selects, in the order {@link #read} takes them. */
  static final String COLUMNS =
      "id, time_ms, time_ns, kind, room, sender, recipient, text, data, edited_ms, edited_ns, deleted, revision";

  // Numbers come back as the JSON protocol gives them to the server: integers as Long, others as
  // Double. Nulls inside data are kept: {"a": null} is not {}.
  private static final Gson GSON = new GsonBuilder()
      .serializeNulls()
      .disableHtmlEscaping()
      .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
      .create();

  private Rows() {}

  /**
   * The insert statement of a table; see {@link #bindInsert}. A message at or below its stream's
   * floor is not inserted: it was ordered before a clear and came after it.
   */
  static String insert(String table, String floors) {
    return "INSERT INTO " + table + " (stream, " + COLUMNS + ") SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
        + " WHERE NOT EXISTS (SELECT 1 FROM " + floors + " WHERE stream = ? AND through_id >= ?)"
        + " ON CONFLICT DO NOTHING"; // an id appended twice is kept once
  }

  static void bindInsert(PreparedStatement insert, String stream, ChatMessage m) throws SQLException {
    insert.setString(1, stream);
    insert.setString(2, m.id());
    insert.setLong(3, m.time().toEpochMilli());
    insert.setInt(4, m.time().getNano() % 1_000_000);
    insert.setString(5, m.kind().name());
    insert.setString(6, m.room());
    insert.setString(7, m.sender());
    insert.setString(8, m.recipient());
    bindContent(insert, 9, m);
    insert.setString(15, stream);
    insert.setString(16, m.id());
  }

  /** The update of a message to a new version, if it has none newer; see {@link #bindChange}. */
  static String change(String table) {
    return "UPDATE " + table + " SET text = ?, data = ?, edited_ms = ?, edited_ns = ?, deleted = ?, revision = ?"
        + " WHERE stream = ? AND id = ? AND (revision IS NULL OR revision < ?)"
        // Only the sender's own message: an inbox is keyed by id alone, and another user's change
        // must not overwrite a message someone else sent there.
        + " AND (sender = ? OR (sender IS NULL AND CAST(? AS TEXT) IS NULL))";
  }

  static void bindChange(PreparedStatement update, String stream, ChatMessage m) throws SQLException {
    bindContent(update, 1, m);
    update.setString(7, stream);
    update.setString(8, m.id());
    update.setString(9, m.revision() == null ? "" : m.revision());
    update.setString(10, m.sender());
    update.setString(11, m.sender());
  }

  /** Text, data and the change, from parameter {@code at} on. */
  private static void bindContent(PreparedStatement s, int at, ChatMessage m) throws SQLException {
    s.setString(at, m.text());
    if (m.data().isEmpty()) {
      s.setNull(at + 1, Types.VARCHAR);
    } else {
      s.setString(at + 1, GSON.toJson(m.data()));
    }
    if (m.edited() == null) {
      s.setNull(at + 2, Types.BIGINT);
      s.setNull(at + 3, Types.INTEGER);
    } else {
      s.setLong(at + 2, m.edited().toEpochMilli());
      s.setInt(at + 3, m.edited().getNano() % 1_000_000);
    }
    s.setInt(at + 4, m.deleted() ? 1 : 0);
    s.setString(at + 5, m.revision());
  }

  static ChatMessage read(ResultSet rs) throws SQLException {
    String data = rs.getString(9);
    @SuppressWarnings("unchecked")
    Map<String, Object> map = data == null ? Map.of() : GSON.fromJson(data, Map.class);
    return ChatMessage.builder(
            rs.getString(1),
            Instant.ofEpochMilli(rs.getLong(2)).plusNanos(rs.getInt(3)),
            MessageKind.valueOf(rs.getString(4)),
            rs.getString(8))
        .room(rs.getString(5))
        .sender(rs.getString(6))
        .recipient(rs.getString(7))
        .data(map)
        .edited(rs.getObject(10) == null ? null : Instant.ofEpochMilli(rs.getLong(10)).plusNanos(rs.getInt(11)))
        .deleted(rs.getInt(12) != 0)
        .revision(rs.getString(13))
        .build();
  }
}
