package dev.parley.chat.netty.internal;

/** What the layer above Engine.IO (Socket.IO) is told. Called on the session's event loop. */
public interface EngineListener {
  void onOpen(EngineSession session);

  void onMessage(EngineSession session, String text);

  void onBinary(EngineSession session, byte[] data);

  void onClose(EngineSession session, CloseReason reason);
}
