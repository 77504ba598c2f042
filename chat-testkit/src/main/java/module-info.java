/** Parley's test kit: a real ChatServer on an in-memory transport. */
module dev.parley.chat.testkit {
  requires transitive dev.parley.chat;

  exports dev.parley.chat.testkit;
}
