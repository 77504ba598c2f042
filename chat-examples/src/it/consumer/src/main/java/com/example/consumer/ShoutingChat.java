package com.example.consumer;

import dev.parley.chat.ChatServer;
import dev.parley.chat.netty.NettyChatServer;
import dev.parley.chat.netty.NettyConfig;

/** Starts a Parley chat server with the application's hook, as an application's main would. */
public final class ShoutingChat implements AutoCloseable {
  private final ChatServer chat;
  private final NettyChatServer server;

  private ShoutingChat(ChatServer chat, NettyChatServer server) {
    this.chat = chat;
    this.server = server;
  }

  /** Starts on a loopback address; port 0 picks a free port. */
  public static ShoutingChat start(int port) {
    ChatServer chat = ChatServer.builder().onMessage(new ShoutingHook()).build();
    NettyConfig config = NettyConfig.builder().host("127.0.0.1").port(port).build();
    NettyChatServer server = NettyChatServer.create(chat, config).start().toCompletableFuture().join();
    return new ShoutingChat(chat, server);
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.stop().toCompletableFuture().join();
    chat.close();
  }

  public static void main(String[] args) {
    ShoutingChat chat = start(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
    System.out.println("Shouting chat on ws://127.0.0.1:" + chat.port() + "/chat");
  }
}
