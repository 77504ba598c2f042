package dev.parley.chat.spring.boot.internal;

import dev.parley.chat.monitoring.Health;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Spring Boot's view of a Parley {@link Health}: its status as UP or DOWN, its detail as {@code
 * detail} (when it has one), and each part ({@code server}, {@code store}, {@code cluster}, {@code
 * transport}) as a detail of that name with its own {@code status}, {@code detail} and parts.
 * Called by Actuator on a request thread, which may block while the chat server asks its store.
 */
public final class ParleyHealthIndicator implements HealthIndicator {
  private final Supplier<Health> health;

  /** @param health asked on each call */
  public ParleyHealthIndicator(Supplier<Health> health) {
    this.health = Objects.requireNonNull(health, "health");
  }

  @Override
  public org.springframework.boot.health.contributor.Health health() {
    Health h = health.get();
    org.springframework.boot.health.contributor.Health.Builder builder =
        org.springframework.boot.health.contributor.Health.status(h.isUp() ? Status.UP : Status.DOWN);
    if (!h.detail().isEmpty()) {
      builder.withDetail("detail", h.detail());
    }
    h.components().forEach((name, part) -> builder.withDetail(name, describe(part)));
    return builder.build();
  }

  /** A part as plain values, which the endpoint writes as JSON. */
  static Map<String, Object> describe(Health part) {
    Map<String, Object> described = new LinkedHashMap<>();
    described.put("status", part.status().name());
    if (!part.detail().isEmpty()) {
      described.put("detail", part.detail());
    }
    part.components().forEach((name, inner) -> described.put(name, describe(inner)));
    return described;
  }
}
