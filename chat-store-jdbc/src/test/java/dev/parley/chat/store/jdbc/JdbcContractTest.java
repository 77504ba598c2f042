package dev.parley.chat.store.jdbc;

import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.history.Retention;
import dev.parley.chat.testkit.HistoryStoreContract;
import java.time.Clock;

/** The history store contract on one database; a restart reopens the same tables. */
abstract class JdbcContractTest extends HistoryStoreContract {
  /** This test's database. */
  abstract TestDatabase db();

  @Override
  protected HistoryStore newStore(Retention retention, Clock clock) {
    return db().builder().retention(retention).clock(clock).build();
  }

  @Override
  protected boolean persistent() {
    return true;
  }

  @Override
  protected HistoryStore reopen(Retention retention, Clock clock) {
    return newStore(retention, clock);
  }
}
