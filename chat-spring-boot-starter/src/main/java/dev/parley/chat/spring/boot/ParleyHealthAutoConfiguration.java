package dev.parley.chat.spring.boot;

import dev.parley.chat.ChatServer;
import dev.parley.chat.netty.NettyChatServer;
import dev.parley.chat.spring.boot.internal.ParleyHealthIndicator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Contributes the Parley server's health to Spring Boot's health endpoint as the indicator {@code
 * parley} ({@code /actuator/health/parley}), when Spring Boot's health support is on the class
 * path (Actuator brings it): {@link NettyChatServer#health()}, or {@link ChatServer#health()} when
 * the context has no Netty server. Off with {@code management.health.parley.enabled=false}.
 *
 * <p>Made by Spring, once per application context, while the context starts; the indicator lives
 * as long as the context and is called by Actuator on any thread (it only reads the server's
 * health, which is thread-safe).
 */
@AutoConfiguration(after = ParleyAutoConfiguration.class)
// By name: on Spring Boot 3 the class is absent, and a class literal there would only be skipped
// when Boot reads this class's bytes rather than loads it.
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(ChatServer.class)
@ConditionalOnEnabledHealthIndicator("parley")
public class ParleyHealthAutoConfiguration {

  /** Made by Spring. */
  public ParleyHealthAutoConfiguration() {}

  /**
   * The health indicator {@code parley}.
   *
   * @param chat the chat server
   * @param netty its Netty server, if the context has one
   * @return the indicator
   */
  @Bean
  @ConditionalOnMissingBean(name = "parleyHealthIndicator")
  public HealthIndicator parleyHealthIndicator(ChatServer chat, ObjectProvider<NettyChatServer> netty) {
    NettyChatServer server = netty.getIfUnique();
    return new ParleyHealthIndicator(server == null ? chat::health : server::health);
  }
}
