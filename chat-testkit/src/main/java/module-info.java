/**
 * Parley's test kit: a real ChatServer on an in-memory transport, and the contract tests of a
 * history store.
 */
module dev.parley.chat.testkit {
  requires transitive dev.parley.chat;
  // HistoryStoreContract is a JUnit 5 test class that store implementations extend.
  requires transitive org.junit.jupiter.api;

  exports dev.parley.chat.testkit;
  // JUnit calls the contract's test and lifecycle methods reflectively.
  opens dev.parley.chat.testkit to org.junit.platform.commons;
}
