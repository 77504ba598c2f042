package dev.parley.chat.spring.boot;

import dev.parley.chat.ChatServer;
import dev.parley.chat.ClearHistoryHook;
import dev.parley.chat.ConnectHook;
import dev.parley.chat.DisconnectHook;
import dev.parley.chat.JoinHook;
import dev.parley.chat.LeaveHook;
import dev.parley.chat.MessageHook;
import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.netty.NettyChatServer;
import dev.parley.chat.spring.boot.internal.NettyServerLifecycle;
import dev.parley.chat.spring.boot.internal.ParleyConfigs;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures a {@link ChatServer} and a {@link NettyChatServer} serving it, from the {@code
 * parley.*} properties ({@link ParleyProperties}), and ties the Netty server to the application
 * context's lifecycle. Active unless {@code parley.enabled=false}.
 *
 * <ul>
 *   <li>The chat server takes, when the context has one, a bean of each hook type ({@link
 *       ConnectHook}, {@link JoinHook}, {@link MessageHook}, {@link LeaveHook}, {@link
 *       DisconnectHook}, {@link ClearHistoryHook}), a {@link HistoryStore}, a {@link ClusterEngine}
 *       and a {@link ChatMetrics}; two beans of one of these types fail the start. Then every {@link
 *       ChatServerCustomizer} bean. It is closed, which closes its store and engine, when the context
 *       closes, after the Netty server stopped.
 *   <li>The Netty server serves that chat server over the JSON protocol and Socket.IO; every {@link
 *       NettyChatServerCustomizer} bean may add to it. It binds its port when the context starts, in
 *       the phase of Spring Boot's web server, and stops gracefully when the context stops.
 * </ul>
 *
 * <p>A {@code ChatServer} or {@code NettyChatServer} bean of the application's replaces the
 * starter's; the starter still starts and stops a {@code NettyChatServer} bean of the application's.
 * Beans are created on the thread that starts the context.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "parley", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(ParleyProperties.class)
public class ParleyAutoConfiguration {

  /** Made by Spring. */
  public ParleyAutoConfiguration() {}

  /**
   * The chat server, built from {@code parley.chat.*} and the beans named in the class comment.
   *
   * @return the server, closed by the context when it closes
   */
  @Bean
  @ConditionalOnMissingBean
  public ChatServer chatServer(
      ParleyProperties properties,
      ObjectProvider<ConnectHook> onConnect,
      ObjectProvider<JoinHook> onJoin,
      ObjectProvider<MessageHook> onMessage,
      ObjectProvider<LeaveHook> onLeave,
      ObjectProvider<DisconnectHook> onDisconnect,
      ObjectProvider<ClearHistoryHook> onClearHistory,
      ObjectProvider<HistoryStore> historyStore,
      ObjectProvider<ClusterEngine> cluster,
      ObjectProvider<ChatMetrics> metrics,
      ObjectProvider<ChatServerCustomizer> customizers) {
    ChatServer.Builder builder = ChatServer.builder().config(ParleyConfigs.chat(properties.chat()));
    onConnect.ifAvailable(builder::onConnect);
    onJoin.ifAvailable(builder::onJoin);
    onMessage.ifAvailable(builder::onMessage);
    onLeave.ifAvailable(builder::onLeave);
    onDisconnect.ifAvailable(builder::onDisconnect);
    onClearHistory.ifAvailable(builder::onClearHistory);
    historyStore.ifAvailable(builder::historyStore);
    cluster.ifAvailable(builder::cluster);
    metrics.ifAvailable(builder::metrics);
    customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
    return builder.build();
  }

  /**
   * The Netty server for the chat server, built from {@code parley.netty.*} and {@code
   * parley.socket-io.*}, then the {@link NettyChatServerCustomizer} beans. Not started here: see
   * {@link #parleyNettyLifecycle}.
   *
   * @return the server, not yet listening
   */
  @Bean
  @ConditionalOnMissingBean
  public NettyChatServer nettyChatServer(
      ChatServer chat, ParleyProperties properties, ObjectProvider<NettyChatServerCustomizer> customizers) {
    NettyChatServer.Builder builder = NettyChatServer.builder(ParleyConfigs.netty(properties.netty()))
        .chat(chat)
        .socketIo(ParleyConfigs.socketIo(properties.socketIo()));
    customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
    return builder.build();
  }

  /**
   * Starts the Netty server with the context and stops it, gracefully, when the context stops.
   *
   * @return the lifecycle
   */
  @Bean
  public SmartLifecycle parleyNettyLifecycle(NettyChatServer server, ParleyProperties properties) {
    return new NettyServerLifecycle(server, ParleyConfigs.netty(properties.netty()));
  }
}
