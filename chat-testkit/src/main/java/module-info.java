/**
 * Parley's test kit: a real ChatServer on an in-memory transport, a JSON-protocol client over real
 * WebSockets, and the contract tests of a history store and of a cluster engine.
 */
module dev.parley.chat.testkit {
  requires transitive dev.parley.chat;
  // HistoryStoreContract and ClusterEngineContract are JUnit 5 test classes that implementations extend.
  requires transitive org.junit.jupiter.api;
  // JsonWebSocketClient: the JDK's WebSocket client, for tests of a server on sockets.
  requires java.net.http;

  exports dev.parley.chat.testkit;
  // JUnit calls the contract's test and lifecycle methods reflectively.
  opens dev.parley.chat.testkit to org.junit.platform.commons;
}
