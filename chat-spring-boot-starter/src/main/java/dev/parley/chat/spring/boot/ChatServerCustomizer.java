package dev.parley.chat.spring.boot;

import dev.parley.chat.ChatServer;

/**
 * A bean of this type changes the {@link ChatServer.Builder} the starter builds its {@link
 * ChatServer} with, after the properties, hooks, history store, cluster engine and metrics beans
 * were applied: for what has no property, such as {@link ChatServer.Builder#clock} or {@link
 * ChatServer.Builder#hookExecutor}. Customizers run in their {@code @Order}, once, on the thread
 * that creates the bean, while the application context starts.
 */
@FunctionalInterface
public interface ChatServerCustomizer {
  /**
   * Changes the builder.
   *
   * @param builder the builder, not yet built
   */
  void customize(ChatServer.Builder builder);
}
