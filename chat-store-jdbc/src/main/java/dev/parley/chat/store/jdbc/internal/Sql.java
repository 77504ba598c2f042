package dev.parley.chat.store.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A statement built in pieces, each piece with the values of its own placeholders, so that a
 * conditional clause cannot leave its value bound at another clause's position. Not thread-safe;
 * build, prepare, discard.
 */
final class Sql {
  private final StringBuilder text = new StringBuilder();
  private final List<Object> values = new ArrayList<>();

  Sql(String text, Object... values) {
    add(text, values);
  }

  /** Appends a piece; its placeholders ({@code ?}) take {@code values}, in order. */
  Sql add(String piece, Object... values) {
    long placeholders = piece.chars().filter(c -> c == '?').count();
    if (placeholders != values.length) {
      throw new IllegalArgumentException(placeholders + " placeholders but " + values.length + " values in: " + piece);
    }
    text.append(piece);
    this.values.addAll(List.of(values));
    return this;
  }

  /** Appends another statement's text and values: a subquery. */
  Sql add(Sql sub) {
    text.append(sub.text);
    values.addAll(sub.values);
    return this;
  }

  /** Prepares the statement with every value bound; the caller closes it. */
  PreparedStatement prepare(Connection c) throws SQLException {
    PreparedStatement statement = c.prepareStatement(text.toString());
    try {
      for (int i = 0; i < values.size(); i++) {
        Object value = values.get(i);
        if (value instanceof String s) {
          statement.setString(i + 1, s);
        } else if (value instanceof Integer n) {
          statement.setInt(i + 1, n);
        } else if (value instanceof Long n) {
          statement.setLong(i + 1, n);
        } else {
          throw new IllegalArgumentException("Cannot bind " + (value == null ? "null" : value.getClass().getName()));
        }
      }
      return statement;
    } catch (SQLException | RuntimeException e) {
      statement.close();
      throw e;
    }
  }

  @Override
  public String toString() {
    return text.toString();
  }
}
