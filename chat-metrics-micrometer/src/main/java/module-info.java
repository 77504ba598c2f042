/**
 * Micrometer meters for a Parley chat server: {@link
 * dev.parley.chat.metrics.micrometer.MicrometerChatMetrics} turns what the server reports through
 * {@link dev.parley.chat.monitoring.ChatMetrics} into meters of a {@code MeterRegistry}.
 */
// "requires micrometer.core" names an automatic module (Micrometer has no module-info).
@SuppressWarnings("requires-automatic")
module dev.parley.chat.metrics.micrometer {
  requires transitive dev.parley.chat;
  requires transitive micrometer.core;

  exports dev.parley.chat.metrics.micrometer;
}
