/**
 * The cluster SPI: what several chat servers (nodes) must share to behave as one chat, behind {@link
 * dev.parley.chat.cluster.ClusterEngine}. The default engine is in-process (one node); {@code
 * chat-cluster-redis} runs nodes on Redis. Applications only choose an engine, with {@link
 * dev.parley.chat.ChatServer.Builder}; engines implement this package.
 */
package dev.parley.chat.cluster;
