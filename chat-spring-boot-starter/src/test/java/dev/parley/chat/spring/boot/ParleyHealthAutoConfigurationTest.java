package dev.parley.chat.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatServer;
import dev.parley.chat.netty.NettyChatServer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;

/** The health indicator {@code parley}, on Spring Boot 4's health API. */
class ParleyHealthAutoConfigurationTest {

  @Test
  void theHealthIndicatorReportsTheServerAndItsParts() {
    ParleyAutoConfigurationTest.RUNNER.withUserConfiguration(ParleyAutoConfigurationTest.StoreAndEngine.class).run(context -> {
      assertThat(context).hasNotFailed();
      var health = context.getBean("parleyHealthIndicator", HealthIndicator.class).health();
      assertThat(health.getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.getDetails()).containsEntry("detail", "down: cluster, store");
      assertThat(health.getDetails().get("store")).isEqualTo(
          Map.of("status", "DOWN", "detail", "the application's store"));
      assertThat(health.getDetails().get("transport")).isEqualTo(Map.of("status", "UP",
          "detail", "listening on port " + context.getBean(NettyChatServer.class).port()));
    });
  }

  @Test
  void noHealthIndicatorWithoutSpringBootHealth() {
    ParleyAutoConfigurationTest.RUNNER.withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean("parleyHealthIndicator");
      assertThat(context).hasSingleBean(ChatServer.class);
    });
  }

}
