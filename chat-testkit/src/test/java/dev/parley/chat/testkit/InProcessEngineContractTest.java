package dev.parley.chat.testkit;

import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.history.InMemoryHistoryStore;
import dev.parley.chat.history.Retention;

/** The cluster engine contract, run against the default engine: a cluster of one node. */
class InProcessEngineContractTest extends ClusterEngineContract {
  @Override
  protected ClusterEngine newNode() {
    return ClusterEngine.inProcess(new InMemoryHistoryStore(Retention.messages(1_000)));
  }

  @Override
  protected int maxNodes() {
    return 1;
  }
}
