package dev.parley.chat.store.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

class SqlTest {

  @Test
  void aPieceMustBringAValueForEachOfItsPlaceholders() {
    assertThatThrownBy(() -> new Sql("SELECT 1 WHERE 1 = ?"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 placeholders but 0 values");
    assertThatThrownBy(() -> new Sql("SELECT 1").add(" AND x = ?", "a", "b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void valuesAreBoundInTheOrderTheirPiecesWereAdded() throws Exception {
    Sql sub = new Sql("SELECT ? AS b", "second");
    Sql sql = new Sql("SELECT ? AS a, (", "first").add(sub).add(") AS b, ? AS c", 3L).add(", ? AS d", 4);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
        PreparedStatement statement = sql.prepare(c);
        ResultSet rs = statement.executeQuery()) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString("a")).isEqualTo("first");
      assertThat(rs.getString("b")).isEqualTo("second");
      assertThat(rs.getLong("c")).isEqualTo(3L);
      assertThat(rs.getInt("d")).isEqualTo(4);
    }
  }
}
