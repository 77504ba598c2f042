package dev.parley.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.monitoring.Health;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JdbcHistoryStore#health()}: UP while the database answers, DOWN when it does not or once closed. */
class StoreHealthTest {
  @TempDir
  Path dir;

  @Test
  void anSqliteFileIsUpUntilTheStoreIsClosed() {
    JdbcHistoryStore store = JdbcHistoryStore.builder().file(dir.resolve("history.db")).build();
    assertThat(store.health()).isEqualTo(Health.up("SQLITE"));

    store.close();

    assertThat(store.health()).isEqualTo(Health.down("The history store is closed"));
  }

  @Test
  void aDatabaseThatStopsAnsweringIsDownUntilItAnswersAgain() {
    Database database = new Database("jdbc:sqlite:" + dir.resolve("history.db"));
    try (JdbcHistoryStore store = JdbcHistoryStore.builder().dataSource(database.source()).build()) {
      assertThat(store.health().isUp()).isTrue();

      database.down = true; // its connections are cut, and no new one is given

      Health down = store.health();
      assertThat(down.status()).isEqualTo(Health.Status.DOWN);
      assertThat(down.detail()).isEqualTo("the database did not answer within 10 s");
      assertThat(store.health().detail()).as("the next check asks for a new connection").isEqualTo("unreachable");

      database.down = false;

      assertThat(store.health()).isEqualTo(Health.up("SQLITE"));
    }
  }

  /** A database that can be made unreachable: a DataSource that closes what it gave and refuses more. */
  private static final class Database {
    private final String url;
    private final List<Connection> given = new CopyOnWriteArrayList<>();
    volatile boolean down;

    Database(String url) {
      this.url = url;
    }

    DataSource source() {
      return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
          (proxy, method, args) -> switch (method.getName()) {
            case "getConnection" -> connect();
            case "toString" -> "a database that can be cut off";
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> throw new UnsupportedOperationException(method.getName());
          });
    }

    private Connection connect() throws SQLException {
      if (down) {
        throw new SQLException("unreachable");
      }
      Connection real = DriverManager.getConnection(url);
      given.add(real);
      return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
          (proxy, method, args) -> {
            if (down && method.getName().equals("isValid")) {
              return false; // as a connection whose server went away answers
            }
            try {
              return method.invoke(real, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }
  }
}
