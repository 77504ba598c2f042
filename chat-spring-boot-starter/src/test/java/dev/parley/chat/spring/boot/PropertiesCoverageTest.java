package dev.parley.chat.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.netty.NettyConfig;
import dev.parley.chat.socketio.SocketIoConfig;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every option of the three configuration builders has its {@code parley.*} property: an option
 * added to a builder fails this test until the starter (and docs/spring-boot.md) has it too.
 */
class PropertiesCoverageTest {

  @Test
  void chatProperties() {
    assertThat(components(ParleyProperties.Chat.class)).isEqualTo(options(ChatConfig.Builder.class));
  }

  @Test
  void nettyProperties() {
    assertThat(components(ParleyProperties.Netty.class)).isEqualTo(options(NettyConfig.Builder.class));
  }

  @Test
  void socketIoProperties() {
    assertThat(components(ParleyProperties.SocketIo.class)).isEqualTo(options(SocketIoConfig.Builder.class));
  }

  private static Set<String> components(Class<? extends Record> type) {
    return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).collect(Collectors.toSet());
  }

  /** The builder's public setters: every public instance method but build(). */
  private static Set<String> options(Class<?> builder) {
    return Arrays.stream(builder.getDeclaredMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
        .map(Method::getName)
        .filter(name -> !name.equals("build"))
        .collect(Collectors.toSet());
  }
}
