package dev.parley.chat.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatServer;
import dev.parley.chat.MessageDecision;
import dev.parley.chat.MessageHook;
import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.history.InMemoryHistoryStore;
import dev.parley.chat.history.Retention;
import dev.parley.chat.metrics.micrometer.MicrometerChatMetrics;
import dev.parley.chat.monitoring.ChatMetrics;
import dev.parley.chat.monitoring.Health;
import dev.parley.chat.netty.NettyChatServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.NoUniqueBeanDefinitionException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The auto-configuration's conditions and wiring, on contexts that start (and so bind a port, on
 * the loopback address) and close.
 */
class ParleyAutoConfigurationTest {
  static final ApplicationContextRunner RUNNER = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(
          ParleyMetricsAutoConfiguration.class, ParleyAutoConfiguration.class, ParleyHealthAutoConfiguration.class))
      .withPropertyValues("parley.netty.host=127.0.0.1", "parley.netty.port=0");

  @Test
  void buildsTheServersFromTheProperties() {
    RUNNER.withPropertyValues("parley.chat.history-size=7", "parley.chat.hook-timeout=2s",
            "parley.chat.ack-timing=on-receipt", "parley.netty.shutdown-timeout=1s")
        .run(context -> {
          assertThat(context).hasNotFailed();
          ChatServer chat = context.getBean(ChatServer.class);
          assertThat(chat.config().historySize()).isEqualTo(7);
          assertThat(chat.config().hookTimeout()).isEqualTo(Duration.ofSeconds(2));
          assertThat(chat.config().ackTiming()).isEqualTo(dev.parley.chat.AckTiming.ON_RECEIPT);
          assertThat(context.getBean(NettyChatServer.class).port()).as("started with the context").isPositive();
        });
  }

  @Test
  void parleyEnabledFalseConfiguresNothing() {
    RUNNER.withPropertyValues("parley.enabled=false").run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean(ChatServer.class);
      assertThat(context).doesNotHaveBean(NettyChatServer.class);
    });
  }

  @Test
  void anInvalidPropertyFailsTheStartNamingIt() {
    RUNNER.withPropertyValues("parley.netty.ping-timeout=30s").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure())
          .hasStackTraceContaining("Invalid parley.netty.* property: pingTimeout must be shorter than pingInterval");
    });
  }

  @Test
  void tlsNeedsBothFiles() {
    RUNNER.withPropertyValues("parley.netty.tls.certificate-chain=/nowhere/chain.pem").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).hasStackTraceContaining(
          "Invalid parley.netty.tls.* property: set both certificate-chain and private-key");
    });
  }

  @Test
  void tlsPropertiesReachTheServer() {
    // The files are read when the server starts: unreadable ones fail the start, naming both.
    RUNNER.withPropertyValues("parley.netty.tls.certificate-chain=/nowhere/chain.pem",
            "parley.netty.tls.private-key=/nowhere/key.pem")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure())
              .hasStackTraceContaining("/nowhere/chain.pem")
              .hasStackTraceContaining("/nowhere/key.pem");
        });
  }

  @Test
  void aTakenPortFailsTheStartNamingTheProperties() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      RUNNER.withPropertyValues("parley.netty.port=" + taken.getLocalPort()).run(context -> {
        assertThat(context).hasFailed();
        assertThat(context.getStartupFailure()).hasStackTraceContaining(
            "Parley could not listen on 127.0.0.1:" + taken.getLocalPort() + " (parley.netty.host, parley.netty.port)");
      });
    }
  }

  @Test
  void theHistoryStoreAndClusterEngineBeansAreUsed() {
    RUNNER.withUserConfiguration(StoreAndEngine.class).run(context -> {
      assertThat(context).hasNotFailed();
      Health health = context.getBean(ChatServer.class).health();
      assertThat(health.components().get("store")).isEqualTo(Health.down("the application's store"));
      assertThat(health.components().get("cluster")).isEqualTo(Health.down("the application's engine"));
    });
  }

  @Test
  void twoBeansOfOneHookTypeFailTheStart() {
    RUNNER.withUserConfiguration(TwoMessageHooks.class).run(context -> {
      assertThat(context).hasFailed();
      assertThat(rootCause(context.getStartupFailure())).isInstanceOf(NoUniqueBeanDefinitionException.class);
    });
  }

  @Test
  void aChatServerBeanOfTheApplicationsIsServed() {
    RUNNER.withUserConfiguration(OwnChatServer.class).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).hasSingleBean(ChatServer.class);
      assertThat(context.getBean(ChatServer.class).config().historySize()).isEqualTo(3);
      assertThat(context).hasSingleBean(NettyChatServer.class);
    });
  }

  @Test
  void customizersSeeTheBuilders() {
    RUNNER.withUserConfiguration(Customizers.class).run(context -> {
      assertThat(context).hasNotFailed();
      int port = context.getBean(NettyChatServer.class).port();
      java.net.http.HttpResponse<String> hello = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/hello")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(hello.body()).isEqualTo("hello from a customizer");
      assertThat(context.getBean(ChatServer.class).config().maxRooms()).isEqualTo(5);
    });
  }

  @Test
  void metricsGoToTheMeterRegistry() {
    RUNNER.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
      assertThat(context).hasNotFailed();
      ChatMetrics metrics = context.getBean(ChatMetrics.class);
      assertThat(metrics).isInstanceOf(MicrometerChatMetrics.class);
      assertThat(context.getBean(ChatServer.class).metrics()).isSameAs(metrics);
      assertThat(context.getBean(MeterRegistry.class).find("parley.connections").gauges()).isNotEmpty();
    });
  }

  @Test
  void noMetricsWithoutChatMetricsMicrometer() {
    RUNNER.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withClassLoader(new FilteredClassLoader(MicrometerChatMetrics.class))
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).doesNotHaveBean(ChatMetrics.class);
          assertThat(context.getBean(ChatServer.class).metrics()).isSameAs(ChatMetrics.NONE);
        });
  }

  @Test
  void noMetricsWithoutAMeterRegistry() {
    RUNNER.run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean(ChatMetrics.class);
    });
  }

  @Test
  void theChatServerClosesWithTheContextAfterTheNettyServerStopped() {
    ChatServer[] chat = new ChatServer[1];
    RUNNER.run(context -> {
      assertThat(context).hasNotFailed();
      chat[0] = context.getBean(ChatServer.class);
      assertThat(chat[0].health().isUp()).isTrue();
    });
    assertThat(chat[0].health().components().get("server").isUp()).isFalse();
  }

  private static Throwable rootCause(Throwable t) {
    Throwable cause = t;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** A proxy of {@code type} that answers {@code health()} itself and hands every other call to {@code target}. */
  private static <T> T withHealth(Class<T> type, T target, Health health) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
      if (method.getName().equals("health") && method.getParameterCount() == 0) {
        return health;
      }
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }));
  }

  /** A history store and a cluster engine whose health says they are the application's. */
  @Configuration(proxyBeanMethods = false)
  static class StoreAndEngine {
    private final HistoryStore store = withHealth(HistoryStore.class,
        new InMemoryHistoryStore(Retention.messages(1000)), Health.down("the application's store"));

    @Bean(destroyMethod = "") // the chat server closes it
    HistoryStore historyStore() {
      return store;
    }

    @Bean(destroyMethod = "") // the chat server closes it
    ClusterEngine clusterEngine() {
      return withHealth(ClusterEngine.class, ClusterEngine.inProcess(store, Clock.systemUTC(), 100),
          Health.down("the application's engine"));
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class TwoMessageHooks {
    @Bean
    MessageHook one() {
      return msg -> MessageDecision.accept();
    }

    @Bean
    MessageHook two() {
      return msg -> MessageDecision.accept();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnChatServer {
    @Bean
    ChatServer ownChatServer() {
      return ChatServer.builder().config(dev.parley.chat.ChatConfig.builder().historySize(3).build()).build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Customizers {
    @Bean
    ChatServerCustomizer fewRooms() {
      return builder -> builder.config(dev.parley.chat.ChatConfig.builder().maxRooms(5).build());
    }

    @Bean
    NettyChatServerCustomizer helloRoute() {
      return builder -> builder.httpRoute("/hello",
          request -> dev.parley.chat.netty.HttpRoute.Response.text(200, "hello from a customizer"));
    }
  }
}
