package dev.parley.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.MessageKind;
import dev.parley.chat.history.Retention;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the store does when the database refuses one message for good. */
class WriteErrorsTest {
  private TestDatabase db;

  @AfterEach
  void dropTables() throws Exception {
    if (db != null) {
      db.close();
    }
  }

  private static ChatMessage message(String id, String sender) {
    return ChatMessage.builder(id, Instant.now(), MessageKind.ROOM, "text of " + id).room("lobby").sender(sender).build();
  }

  @Test
  void aMessageThePostgresqlRefusesFailsAloneAndTheOthersOfItsBatchCommitPromptly() throws Exception {
    db = TestDatabase.postgres();
    // A retry of the whole batch would take this long; the others must not wait for it.
    Duration retryFor = Duration.ofSeconds(60);
    try (JdbcHistoryStore store = db.builder().retention(Retention.messages(100)).retryFor(retryFor).build()) {
      CompletableFuture<Void> good1;
      CompletableFuture<Void> bad;
      CompletableFuture<Void> good2;
      try (TestDatabase.WriteLock stalled = db.lockWrites()) {
        // Held back by the lock, these are written together once it goes.
        store.append("lobby", message("001", "alice")).toCompletableFuture();
        good1 = store.append("lobby", message("002", "alice")).toCompletableFuture();
        // PostgreSQL text cannot hold NUL: SQLSTATE 22021, whatever the retry. Server code may put
        // anything in a sender name, so the store must survive it.
        bad = store.append("lobby", message("003", "mallory\u0000")).toCompletableFuture();
        good2 = store.append("lobby", message("004", "bob")).toCompletableFuture();
      }
      good1.get(10, TimeUnit.SECONDS);
      good2.get(10, TimeUnit.SECONDS);
      assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("22"));

      assertThat(db.committed("002")).isTrue();
      assertThat(db.committed("004")).isTrue();
      assertThat(db.committed("003")).isFalse();

      // The writer goes on with what comes next.
      store.append("lobby", message("005", "alice")).toCompletableFuture().get(10, TimeUnit.SECONDS);
      List<ChatMessage> history = store.before("lobby", null, 10);
      assertThat(history).extracting(ChatMessage::id).containsExactly("001", "002", "004", "005");
    }
  }
}
