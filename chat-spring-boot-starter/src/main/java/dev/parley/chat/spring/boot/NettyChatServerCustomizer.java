package dev.parley.chat.spring.boot;

import dev.parley.chat.netty.NettyChatServer;

/**
 * A bean of this type changes the {@link NettyChatServer.Builder} the starter builds its {@link
 * NettyChatServer} with, after the chat server and the {@code parley.socket-io.*} settings were
 * applied: for Socket.IO namespaces and handlers of your own ({@link
 * NettyChatServer.Builder#onSocketIo}), other Socket.IO event names ({@link
 * NettyChatServer.Builder#chatEvents}) or HTTP routes ({@link NettyChatServer.Builder#httpRoute}).
 * Customizers run in their {@code @Order}, once, on the thread that creates the bean, while the
 * application context starts.
 */
@FunctionalInterface
public interface NettyChatServerCustomizer {
  /**
   * Changes the builder.
   *
   * @param builder the builder, not yet built
   */
  void customize(NettyChatServer.Builder builder);
}
