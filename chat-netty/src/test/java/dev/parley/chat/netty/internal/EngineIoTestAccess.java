package dev.parley.chat.netty.internal;

/** Test access to what no client can see: whether the server holds a long-poll, or a session. */
public final class EngineIoTestAccess {
  private EngineIoTestAccess() {}

  public static boolean hasPendingPoll(EngineIoServer server, String sid) {
    return server.hasPendingPoll(sid);
  }

  public static boolean isOpen(EngineIoServer server, String sid) {
    return server.isOpen(sid);
  }
}
