package dev.parley.chat.testkit;

import dev.parley.chat.cluster.ClusterEngine;

/**
 * The cluster engine contract, run against three nodes of {@link SharedMemoryCluster}: shows that the
 * contract's multi-node tests pass for an engine that keeps the SPI's promises.
 */
class SharedMemoryClusterContractTest extends ClusterEngineContract {
  private final SharedMemoryCluster cluster = new SharedMemoryCluster();

  @Override
  protected ClusterEngine newNode() {
    return cluster.newNode();
  }

  @Override
  protected int maxNodes() {
    return 3;
  }
}
