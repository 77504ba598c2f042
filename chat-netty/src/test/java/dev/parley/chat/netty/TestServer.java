package dev.parley.chat.netty;

import dev.parley.chat.ChatServer;
import java.util.function.Consumer;

/** A chat server and its Netty transport on a free loopback port, stopped by close(). */
final class TestServer implements AutoCloseable {
  final ChatServer chat;
  final NettyChatServer netty;

  TestServer(Consumer<ChatServer.Builder> chatSetup, Consumer<NettyConfig.Builder> nettySetup) {
    ChatServer.Builder b = ChatServer.builder();
    chatSetup.accept(b);
    this.chat = b.build();
    NettyConfig.Builder n = NettyConfig.builder().host("127.0.0.1").port(0);
    nettySetup.accept(n);
    this.netty = NettyChatServer.create(chat, n.build()).start().toCompletableFuture().join();
  }

  static TestServer start() {
    return new TestServer(b -> {}, n -> {});
  }

  int port() {
    return netty.port();
  }

  @Override
  public void close() {
    netty.stop().toCompletableFuture().join();
    chat.close();
  }
}
