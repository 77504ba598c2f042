package dev.parley.chat.store.jdbc;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

/** The history store contract on PostgreSQL, each test on tables of its own. */
class PostgresContractTest extends JdbcContractTest {
  // Dropped after all tests: a subclass's @AfterEach would run before the contract closes its stores.
  private static final List<TestDatabase> USED = new ArrayList<>();
  private TestDatabase db;

  @BeforeEach
  void database() {
    db = TestDatabase.postgres();
    USED.add(db);
  }

  @AfterAll
  static void dropTables() throws Exception {
    for (TestDatabase used : USED) {
      used.close();
    }
  }

  @Override
  TestDatabase db() {
    return db;
  }
}
