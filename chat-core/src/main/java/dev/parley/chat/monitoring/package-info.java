/**
 * What a running server reports about itself: {@link dev.parley.chat.monitoring.ChatMetrics}, the
 * listener through which the server, its transport and its cluster engine report what to count
 * (the optional {@code chat-metrics-micrometer} module turns it into Micrometer meters), and {@link
 * dev.parley.chat.monitoring.Health}, the readiness of a server and its parts.
 */
package dev.parley.chat.monitoring;
