package dev.parley.chat.spring.boot;

import dev.parley.chat.metrics.micrometer.MicrometerChatMetrics;
import dev.parley.chat.monitoring.ChatMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Reports the chat server's metrics to the application's Micrometer {@link MeterRegistry} (the one
 * Spring Boot Actuator makes), through {@link MicrometerChatMetrics}: when {@code
 * chat-metrics-micrometer} is on the class path, the context has a {@code MeterRegistry}, and the
 * application has no {@link ChatMetrics} bean of its own. The meters are those docs/operations.md
 * lists ({@code parley.connections} and so on).
 *
 * <p>Made by Spring, once per application context, while the context starts (on the thread that
 * starts it); its bean lives as long as the context. The {@link MicrometerChatMetrics} it makes is
 * thread-safe, as every {@link ChatMetrics} must be.
 */
@AutoConfiguration(
    before = ParleyAutoConfiguration.class,
    afterName = {
      // Where the MeterRegistry bean comes from: Spring Boot 4, then Spring Boot 3.
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"
    })
@ConditionalOnClass({MicrometerChatMetrics.class, MeterRegistry.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(prefix = "parley", name = "enabled", havingValue = "true", matchIfMissing = true)
public class ParleyMetricsAutoConfiguration {

  /** Made by Spring. */
  public ParleyMetricsAutoConfiguration() {}

  /**
   * The metrics the chat server, its Netty server and its cluster engine report to.
   *
   * @param registry the application's registry
   * @return the metrics
   */
  @Bean
  @ConditionalOnMissingBean(ChatMetrics.class)
  public ChatMetrics parleyChatMetrics(MeterRegistry registry) {
    return MicrometerChatMetrics.create(registry);
  }
}
