package dev.parley.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.MessageKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A floor is the database's, not one store's: in a cluster, each node's store writes to the same
 * tables, and the message a clear must keep out is usually appended late by another node.
 */
class SharedFloorTest {
  @TempDir
  Path dir;

  private TestDatabase db;

  @AfterEach
  void dropTables() throws Exception {
    if (db != null) {
      db.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aClearByOneStoreKeepsOutAnotherStoresLateAppend(String database) throws Exception {
    db = TestDatabase.named(database, dir);
    try (JdbcHistoryStore clearing = db.builder().build(); JdbcHistoryStore late = db.builder().build()) {
      ChatMessage one = message(1);
      ChatMessage two = message(2);
      ChatMessage three = message(3);
      await(late.append("lobby", two));
      await(late.append("lobby", three));

      await(clearing.clear("lobby", two.id()));
      await(late.append("lobby", one));

      assertThat(late.after("lobby", null, 10)).containsExactly(three);
      assertThat(clearing.before("lobby", null, 10)).containsExactly(three);
      assertThat(db.rows()).isEqualTo(1);
    }
  }

  /**
   * Appends of every id, in random order, from two stores while a third clears through the middle
   * one: whichever way each append and the clear interleave, nothing at or below the floor is left,
   * and everything above it is. In PostgreSQL an append whose transaction checked the floor before
   * the clear committed, and committed after the clear deleted, would be left; the clear's lock
   * prevents it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void appendsRacingAClearFromOtherStoresLeaveNothingAtOrBelowTheFloor(String database) throws Exception {
    db = TestDatabase.named(database, dir);
    int count = 400;
    int through = count / 2;
    try (JdbcHistoryStore clearing = db.builder().build();
        JdbcHistoryStore a = db.builder().batchSize(5).build();
        JdbcHistoryStore b = db.builder().batchSize(5).build()) {
      List<Integer> order = new ArrayList<>();
      for (int i = 1; i <= count; i++) {
        order.add(i);
      }
      Collections.shuffle(order, new Random(42));
      List<CompletableFuture<Void>> appends = new ArrayList<>();
      CompletableFuture<Void> cleared = null;
      for (int i = 0; i < order.size(); i++) {
        if (i == order.size() / 2) {
          cleared = clearing.clear("lobby", message(through).id()).toCompletableFuture();
        }
        JdbcHistoryStore store = i % 2 == 0 ? a : b;
        appends.add(store.append("lobby", message(order.get(i))).toCompletableFuture());
      }
      await(cleared);
      for (CompletableFuture<Void> append : appends) {
        await(append);
      }

      List<String> expected = new ArrayList<>();
      for (int i = through + 1; i <= count; i++) {
        expected.add(message(i).id());
      }
      assertThat(storedIds()).containsExactlyElementsOf(expected);
      assertThat(a.after("lobby", null, count)).extracting(ChatMessage::id).containsExactlyElementsOf(expected);
    }
  }

  /**
   * The race itself, made to happen: another node's insert has checked the floor (there was none) and
   * not committed when the clear runs. The clear must wait for it and then delete its row; without
   * the clear's lock, its delete would not see the uncommitted row, which would stay.
   */
  @Test
  void aClearWaitsForAnInsertThatCheckedTheFloorBeforeIt() throws Exception {
    db = TestDatabase.postgres();
    try (JdbcHistoryStore clearing = db.builder().build(); Connection other = db.connect()) {
      other.setAutoCommit(false);
      try (PreparedStatement insert = other.prepareStatement("INSERT INTO " + db.messagesTable()
          + " (stream, id, time_ms, time_ns, kind, text) SELECT 'lobby', ?, 0, 0, 'ROOM', 'late'"
          + " WHERE NOT EXISTS (SELECT 1 FROM " + db.prefix + "floors WHERE stream = 'lobby' AND through_id >= ?)")) {
        insert.setString(1, message(1).id());
        insert.setString(2, message(1).id());
        assertThat(insert.executeUpdate()).isEqualTo(1);
      }

      CompletableFuture<Void> cleared = clearing.clear("lobby", message(2).id()).toCompletableFuture();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!cleared.isDone() && !aClearIsWaitingForALock() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      other.commit();
      await(cleared);

      assertThat(storedIds()).isEmpty();
    }
  }

  private boolean aClearIsWaitingForALock() throws Exception {
    try (Connection c = db.connect();
        PreparedStatement q = c.prepareStatement("SELECT count(*) FROM pg_stat_activity"
            + " WHERE wait_event_type = 'Lock' AND query LIKE 'LOCK TABLE " + db.messagesTable() + "%'");
        ResultSet rs = q.executeQuery()) {
      rs.next();
      return rs.getInt(1) > 0;
    }
  }

  private List<String> storedIds() throws Exception {
    List<String> ids = new ArrayList<>();
    try (Connection c = db.connect();
        PreparedStatement q = c.prepareStatement("SELECT id FROM " + db.messagesTable() + " ORDER BY id");
        ResultSet rs = q.executeQuery()) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  private static ChatMessage message(int n) {
    return ChatMessage.builder(String.format("%013d", n), Instant.now(), MessageKind.ROOM, "m" + n)
        .room("lobby")
        .sender("alice")
        .build();
  }

  private static void await(CompletionStage<Void> stage) throws Exception {
    stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
