package dev.parley.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.MessageKind;
import dev.parley.chat.history.Retention;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The store while another connection holds a lock on its table that even reads wait for: reads fail
 * within their timeout instead of holding the server's threads, and the store still closes.
 */
class StuckDatabaseTest {
  private TestDatabase db;

  @AfterEach
  void dropTables() throws Exception {
    if (db != null) {
      db.close();
    }
  }

  private Connection lockEverything() throws Exception {
    Connection c = db.connect();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("LOCK TABLE " + db.messagesTable() + " IN ACCESS EXCLUSIVE MODE"); // until rollback
    }
    return c;
  }

  @Test
  void readsBehindALockFailWithinTheirTimeoutAndTheStoreStillCloses() throws Exception {
    db = TestDatabase.postgres();
    JdbcHistoryStore store = db.builder()
        .retention(Retention.messages(100))
        .readTimeout(Duration.ofSeconds(1))
        .readConnections(1) // the second read also waits for the connection, within the same timeout
        .retryFor(Duration.ofSeconds(1))
        .build();
    CompletableFuture<Void> append;
    try (Connection lock = lockEverything()) {
      long start = System.nanoTime();
      CompletableFuture<Object> first = CompletableFuture.supplyAsync(() -> store.before("lobby", null, 10));
      CompletableFuture<Object> second = CompletableFuture.supplyAsync(() -> store.after("lobby", null, 10));
      // Without timeouts both would wait as long as the lock is held: for ever here.
      for (CompletableFuture<Object> read : List.of(first, second)) {
        assertThatThrownBy(() -> read.get(15, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(IllegalStateException.class);
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));

      append = store.append("lobby", ChatMessage.builder("001", Instant.now(), MessageKind.ROOM, "kept back by the lock")
          .room("lobby").sender("alice").build()).toCompletableFuture();
      CompletableFuture<Void> closed = CompletableFuture.runAsync(store::close);
      closed.get(30, TimeUnit.SECONDS); // retryFor 1 s: close gives up on the write and returns
      lock.rollback();
    }
    assertThatThrownBy(() -> append.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    assertThat(db.committed("001")).isFalse();
  }

  @Test
  void readsWorkAgainOnceTheLockIsGone() throws Exception {
    db = TestDatabase.postgres();
    try (JdbcHistoryStore store = db.builder().retention(Retention.messages(100)).readTimeout(Duration.ofSeconds(1)).build()) {
      store.append("lobby", ChatMessage.builder("001", Instant.now(), MessageKind.ROOM, "hi").room("lobby").sender("alice").build())
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      try (Connection lock = lockEverything()) {
        assertThatThrownBy(() -> store.before("lobby", null, 10)).isInstanceOf(IllegalStateException.class);
        lock.rollback();
      }
      assertThat(store.before("lobby", null, 10)).extracting(ChatMessage::id).containsExactly("001");
    }
  }
}
