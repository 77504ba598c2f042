package dev.parley.chat.testkit;

import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.history.InMemoryHistoryStore;
import dev.parley.chat.history.Retention;
import java.time.Clock;

/** The history store contract, run against the default store. */
class InMemoryHistoryStoreContractTest extends HistoryStoreContract {
  @Override
  protected HistoryStore newStore(Retention retention, Clock clock) {
    return new InMemoryHistoryStore(retention, clock);
  }
}
