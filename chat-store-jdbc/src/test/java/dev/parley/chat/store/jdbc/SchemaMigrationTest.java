package dev.parley.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.MessageKind;
import java.nio.file.Path;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The tables are created, upgraded, and never downgraded, by the store itself at start. */
class SchemaMigrationTest {
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
  void aVersion1DatabaseIsMigratedAndKeepsItsMessages(String database) throws Exception {
    db = TestDatabase.named(database, dir);
    String idType = database.equals("postgresql") ? "TEXT COLLATE \"C\"" : "TEXT";
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      // Version 1 as a release that only knew step 1 left it.
      s.execute("CREATE TABLE " + db.prefix + "schema_version (singleton INT PRIMARY KEY, version INT NOT NULL)");
      s.execute("INSERT INTO " + db.prefix + "schema_version VALUES (1, 1)");
      s.execute("CREATE TABLE " + db.messagesTable() + " (stream TEXT NOT NULL, id " + idType + " NOT NULL,"
          + " time_ms BIGINT NOT NULL, time_ns INT NOT NULL, kind TEXT NOT NULL, room TEXT, sender TEXT,"
          + " recipient TEXT, text TEXT NOT NULL, data TEXT, PRIMARY KEY (stream, id))");
      s.execute("INSERT INTO " + db.messagesTable() + " VALUES ('lobby', '0000000000001', " + System.currentTimeMillis()
          + ", 0, 'ROOM', 'lobby', 'alice', NULL, 'from version 1', '{\"n\":1}')");
    }
    assertThat(indexes()).doesNotContain(db.messagesTable() + "_time");

    try (JdbcHistoryStore store = db.builder().build()) {
      List<ChatMessage> kept = store.after("lobby", null, 10);

      assertThat(kept).extracting(ChatMessage::text).containsExactly("from version 1");
      assertThat(kept.get(0).data()).containsEntry("n", 1L);
    }
    assertThat(version()).isEqualTo(7);
    assertThat(indexes()).contains(db.messagesTable() + "_time");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aVersion4DatabaseGetsChangesAndReadMarkers(String database) throws Exception {
    db = TestDatabase.named(database, dir);
    ChatMessage before = message("0000000000001", "before");
    try (JdbcHistoryStore store = db.builder().build()) {
      store.append("lobby", before).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      // Version 4 as a release that knew steps 1 to 4 left it: no change columns (step 5), no mutes
      // (step 6), no read markers (step 7).
      s.execute("DROP TABLE " + db.prefix + "reads");
      s.execute("DROP TABLE " + db.prefix + "mutes");
      s.execute("DROP INDEX " + db.messagesTable() + "_revision");
      for (String column : List.of("edited_ms", "edited_ns", "deleted", "revision")) {
        s.execute("ALTER TABLE " + db.messagesTable() + " DROP COLUMN " + column);
      }
      s.executeUpdate("UPDATE " + db.prefix + "schema_version SET version = 4");
    }

    try (JdbcHistoryStore store = db.builder().build()) {
      ChatMessage edited = before.toBuilder().text("after")
          .edited(Instant.ofEpochMilli(1_700_000_001_000L)).revision("0000000000002").build();
      store.change("lobby", edited).toCompletableFuture().get(20, TimeUnit.SECONDS);
      store.markRead("lobby", "alice", "0000000000001").toCompletableFuture().get(20, TimeUnit.SECONDS);

      assertThat(store.readMarker("lobby", "alice")).contains("0000000000001");
      assertThat(store.after("lobby", null, 10)).containsExactly(edited);
    }
    assertThat(version()).isEqualTo(7);
    assertThat(indexes()).contains(db.messagesTable() + "_revision");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aVersion5DatabaseGetsReadMarkers(String database) throws Exception {
    db = TestDatabase.named(database, dir);
    try (JdbcHistoryStore store = db.builder().build()) {
      store.append("lobby", message("0000000000001", "before")).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      // Version 5 as a release that knew steps 1 to 5 (edits) left it: no mutes, no read markers.
      s.execute("DROP TABLE " + db.prefix + "reads");
      s.execute("DROP TABLE " + db.prefix + "mutes");
      s.executeUpdate("UPDATE " + db.prefix + "schema_version SET version = 5");
    }

    try (JdbcHistoryStore store = db.builder().build()) {
      store.markRead("lobby", "alice", "0000000000001").toCompletableFuture().get(20, TimeUnit.SECONDS);

      assertThat(store.readMarker("lobby", "alice")).contains("0000000000001");
      assertThat(store.after("lobby", null, 10)).extracting(ChatMessage::text).containsExactly("before");
    }
    assertThat(version()).isEqualTo(7);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aVersion2DatabaseGetsFloorsThatClearsKeep(String database) throws Exception {
    db = TestDatabase.named(database, dir);
    try (JdbcHistoryStore store = db.builder().build()) {
      store.append("lobby", message("0000000000001", "before")).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      // Version 2 as a release that knew steps 1 and 2 left it.
      s.execute("DROP TABLE " + db.prefix + "floors");
      s.executeUpdate("UPDATE " + db.prefix + "schema_version SET version = 2");
    }

    try (JdbcHistoryStore store = db.builder().build()) {
      store.clear("lobby", "0000000000002").toCompletableFuture().get(20, TimeUnit.SECONDS);
      store.append("lobby", message("0000000000002", "late")).toCompletableFuture().get(20, TimeUnit.SECONDS);

      assertThat(store.after("lobby", null, 10)).isEmpty();
    }
    assertThat(version()).isEqualTo(7);
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT through_id FROM " + db.prefix + "floors WHERE stream = 'lobby'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("0000000000002");
    }
  }

  private static ChatMessage message(String id, String text) {
    return ChatMessage.builder(id, Instant.now(), MessageKind.ROOM, text).room("lobby").sender("a").build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aDatabaseFromANewerVersionIsLeftAlone(String database) throws Exception {
    db = TestDatabase.named(database, dir);
    db.builder().build().close();
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE " + db.prefix + "schema_version SET version = 99");
    }

    assertThatThrownBy(() -> db.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("newer");
    assertThat(version()).isEqualTo(99);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void processesStartingAtOnceMigrateOnce(String database) throws Exception {
    db = TestDatabase.named(database, dir);
    int starters = 4;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(starters);
    List<JdbcHistoryStore> stores = new ArrayList<>();
    try {
      List<Future<JdbcHistoryStore>> started = new ArrayList<>();
      for (int i = 0; i < starters; i++) {
        started.add(pool.submit(() -> {
          go.await();
          return db.builder().build();
        }));
      }
      go.countDown();
      for (Future<JdbcHistoryStore> f : started) {
        stores.add(f.get(60, TimeUnit.SECONDS));
      }
      stores.get(0).append("lobby", ChatMessage.builder("0000000000001", Instant.now(), MessageKind.ROOM, "hi").room("lobby").sender("a").build()).toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(stores.get(3).after("lobby", null, 10)).hasSize(1);
    } finally {
      stores.forEach(JdbcHistoryStore::close);
      pool.shutdownNow();
    }
    assertThat(version()).isEqualTo(7);
  }

  /**
   * The cause of the flaky test above: a store switching a new file to WAL while another connection
   * holds the write lock (in the middle of its own switch) got SQLITE_BUSY at once, without waiting,
   * because SQLite does not wait for a lock where waiting could deadlock. Here the other connection's
   * lock is held until the store has been refused once; the store must wait it out.
   */
  @Test
  void aStoreSwitchingToWalWaitsForAnotherConnectionSwitchingIt() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("history.db");
    Semaphore switches = new Semaphore(0);
    CompletableFuture<JdbcHistoryStore> started;
    try (Connection other = DriverManager.getConnection(url); Statement s = other.createStatement()) {
      s.execute("CREATE TABLE unrelated (x INT)"); // a file in rollback mode, as a new one is
      s.execute("BEGIN IMMEDIATE"); // the write lock, as a connection switching to WAL holds it
      started = CompletableFuture.supplyAsync(
          () -> JdbcHistoryStore.builder().dataSource(countingWalSwitches(url, switches)).build());
      boolean refusedOnce = false;
      while (!refusedOnce && !started.isDone()) {
        // A second attempt means the first was refused; until then, or until the start failed.
        refusedOnce = switches.tryAcquire(2, 100, TimeUnit.MILLISECONDS);
      }
      s.execute("ROLLBACK");
    }
    try (JdbcHistoryStore store = started.get(30, TimeUnit.SECONDS)) {
      assertThat(store.after("lobby", null, 10)).isEmpty();
    }
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
    }
  }

  /** Connections to {@code url} that release a permit each time a statement switches to WAL. */
  private static DataSource countingWalSwitches(String url, Semaphore switches) {
    InvocationHandler dataSource = (proxy, method, args) -> {
      if (method.getName().equals("toString")) {
        return url;
      }
      if (!method.getName().equals("getConnection")) {
        throw new UnsupportedOperationException(method.getName());
      }
      Connection c = DriverManager.getConnection(url);
      return proxy(Connection.class, (p, m, a) -> {
        Object result = invoke(c, m, a);
        if (!m.getName().equals("createStatement")) {
          return result;
        }
        Statement statement = (Statement) result;
        return proxy(Statement.class, (sp, sm, sa) -> {
          if (sm.getName().startsWith("execute") && String.valueOf(sa[0]).contains("journal_mode=WAL")) {
            switches.release();
          }
          return invoke(statement, sm, sa);
        });
      });
    };
    return proxy(DataSource.class, dataSource);
  }

  private static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return type.cast(Proxy.newProxyInstance(SchemaMigrationTest.class.getClassLoader(), new Class<?>[] {type}, handler));
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private int version() throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version FROM " + db.prefix + "schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private List<String> indexes() throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection c = db.connect();
        ResultSet rs = c.getMetaData().getIndexInfo(null, null, db.messagesTable(), false, true)) {
      while (rs.next()) {
        names.add(rs.getString("INDEX_NAME"));
      }
    }
    return names;
  }
}
