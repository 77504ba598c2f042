/** Parley's Netty transport: a WebSocket server for a {@link dev.parley.chat.ChatServer}. */
module dev.parley.chat.netty {
  requires transitive dev.parley.chat;
  requires io.netty.buffer;
  requires io.netty.codec;
  requires io.netty.codec.compression; // per-message compression's inflated-size bound
  requires io.netty.codec.http;
  requires io.netty.common;
  requires io.netty.handler;
  requires io.netty.transport;
  requires io.netty.transport.classes.epoll;
  requires com.google.gson;
  requires org.slf4j;
  requires java.management; // the direct-memory budget of shared broadcast frames
  requires static jdk.management; // the open-file limit, for the default maxConnections

  exports dev.parley.chat.netty;
  exports dev.parley.chat.socketio;
}
