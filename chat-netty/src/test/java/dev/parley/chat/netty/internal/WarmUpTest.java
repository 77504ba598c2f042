package dev.parley.chat.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.netty.NettyConfig;
import dev.parley.chat.socketio.ChatEvents;
import dev.parley.chat.socketio.SocketIoConfig;
import org.junit.jupiter.api.Test;

class WarmUpTest {
  private static final NettyConfig CONFIG = NettyConfig.builder().port(0).build();

  @Test
  void everyConnectionGoesThroughItsSteps_overSocketIoAndTheJsonProtocolInTurn() {
    WarmUp.Result result = WarmUp.run(60, CONFIG, SocketIoConfig.defaults(), ChatEvents.defaults(),
        ChatConfig.defaults(), () -> false);

    assertThat(result.completed()).isEqualTo(60);
    assertThat(result.failed()).isZero();
  }

  @Test
  void withoutSocketIo_everyConnectionSpeaksTheJsonProtocol() {
    WarmUp.Result result = WarmUp.run(20, CONFIG, SocketIoConfig.builder().enabled(false).build(),
        ChatEvents.defaults(), ChatConfig.defaults(), () -> false);

    assertThat(result.completed()).isEqualTo(20);
    assertThat(result.failed()).isZero();
  }

  @Test
  void renamedEventsAndATightlyCappedServerStillWarmUp() {
    NettyConfig capped = CONFIG.toBuilder().maxConnectionsPerAddress(1).acceptsPerSecond(1).acceptBurst(1)
        .allowedOrigins(java.util.Set.of("https://example.com")).build();
    ChatEvents renamed = ChatEvents.builder().joinEvent("join").messageEvent("chat").build();

    WarmUp.Result result = WarmUp.run(40, capped, SocketIoConfig.defaults(), renamed,
        ChatConfig.builder().requestsPerSecond(1).requestBurst(1).build(), () -> false);

    assertThat(result.completed()).isEqualTo(40);
  }

  @Test
  void opensNoMoreConnectionsOnceCancelled() {
    WarmUp.Result result = WarmUp.run(100_000, CONFIG, SocketIoConfig.defaults(), ChatEvents.defaults(),
        ChatConfig.defaults(), () -> true);

    assertThat(result.completed() + result.failed()).isZero();
  }
}
