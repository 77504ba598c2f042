package dev.parley.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.MessageKind;
import dev.parley.chat.history.Retention;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What retention keeps: the writer deletes the rest a chunk at a time, and reads never see it. */
class RetentionTest {
  private static final int KEEP = 20;

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
  void aBacklogOfOldMessagesLargerThanOneChunkIsDeletedWhileAppendsGoOn(String database) throws Exception {
    db = TestDatabase.named(database, dir);
    Retention retention = Retention.messages(10_000).maxAge(Duration.ofHours(1));
    JdbcHistoryStore.Builder builder = db.builder().retention(retention).trimInterval(Duration.ofMillis(50));
    // Create the tables, then fill them behind the store's back with 2,500 messages two hours old:
    // more than one trim chunk.
    builder.build().close();
    long old = System.currentTimeMillis() - Duration.ofHours(2).toMillis();
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + db.messagesTable()
          + " (stream, id, time_ms, time_ns, kind, room, sender, recipient, text, data)"
          + " VALUES (?, ?, ?, 0, 'ROOM', ?, 'alice', NULL, 'old', NULL)")) {
        for (int i = 0; i < 2500; i++) {
          String stream = "room" + (i % 7);
          insert.setString(1, stream);
          insert.setString(2, String.format("old%06d", i));
          insert.setLong(3, old + i);
          insert.setString(4, stream);
          insert.addBatch();
        }
        insert.executeBatch();
      }
      c.commit();
    }
    assertThat(db.rows()).isEqualTo(2500);

    try (JdbcHistoryStore store = builder.build()) {
      ChatMessage fresh = ChatMessage.builder("new000001", Instant.now(), MessageKind.ROOM, "new").room("room0").sender("bob").build();
      store.append("room0", fresh).toCompletableFuture().get(10, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (db.rows() > 1 && System.nanoTime() - deadline < 0) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // poll interval of the await
      }
      assertThat(db.rows()).isEqualTo(1);
      assertThat(store.before("room0", null, 10)).containsExactly(fresh);
    }
  }

  private static ChatMessage message(long base, int i) {
    return ChatMessage.builder(String.format("%013d", i), Instant.ofEpochMilli(base + i), MessageKind.ROOM, "m" + i)
        .room("lobby").sender("alice").build();
  }

  private static List<String> ids(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> String.format("%013d", i)).toList();
  }

  /**
   * A message stays queued until after its commit, so for a moment it is both queued and stored;
   * counted twice, it pushed older messages out of a full stream and pages came back short.
   */
  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aFullStreamReadWhileItsNewestMessagesCommitHoldsExactlyTheRetention(String database) throws Exception {
    db = TestDatabase.named(database, dir);
    try (JdbcHistoryStore store = db.builder().retention(Retention.messages(KEEP)).build()) {
      long base = System.currentTimeMillis();
      for (int i = 0; i < KEEP; i++) {
        store.append("lobby", message(base, i)).toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      CompletableFuture<Void> last = null;
      // Each read races the commit of the append just before it; many rounds meet every moment of it.
      for (int i = KEEP; i < KEEP + 2000; i++) {
        last = store.append("lobby", message(base, i)).toCompletableFuture();
        List<ChatMessage> page = i % 2 == 0 ? store.before("lobby", null, KEEP) : store.after("lobby", null, KEEP);
        assertThat(page).as("read after append %d", i).extracting(ChatMessage::id).isEqualTo(ids(i - KEEP + 1, i));
      }
      last.get(10, TimeUnit.SECONDS);
    }
  }
}
