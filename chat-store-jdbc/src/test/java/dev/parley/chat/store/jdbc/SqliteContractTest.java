package dev.parley.chat.store.jdbc;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The history store contract on an SQLite file in a temporary directory. */
class SqliteContractTest extends JdbcContractTest {
  @TempDir
  Path dir;

  private TestDatabase db;

  @BeforeEach
  void database() {
    db = TestDatabase.sqlite(dir);
  }

  @Override
  TestDatabase db() {
    return db;
  }
}
