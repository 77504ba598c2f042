package dev.parley.chat.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.netty.NettyConfig;
import dev.parley.chat.socketio.SocketIoConfig;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every option of the three configuration builders has its {@code parley.*} property: an option
 * added to a builder fails this test until the starter (and docs/spring-boot.md) has it too. And
 * the jar's configuration metadata, which IDEs complete {@code parley.*} from, describes each one.
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

  @Test
  void everyPropertyIsInTheConfigurationMetadataWithADescription() throws IOException {
    String metadata;
    try (InputStream in = ParleyProperties.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("META-INF/spring-configuration-metadata.json").isNotNull();
      metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    // Each property is an object with "name" first and, from its @param, a "description".
    Matcher described = Pattern.compile("\\{\\s*\"name\": \"([a-z.-]+)\",\\s*\"type\": \"[^\"]+\",\\s*\"description\": \"")
        .matcher(metadata);
    Set<String> inMetadata = new java.util.HashSet<>();
    while (described.find()) {
      inMetadata.add(described.group(1));
    }
    Set<String> expected = Stream.of(
            properties("parley.chat.", ParleyProperties.Chat.class),
            properties("parley.netty.", ParleyProperties.Netty.class),
            properties("parley.socket-io.", ParleyProperties.SocketIo.class),
            Stream.of("parley.enabled"))
        .flatMap(s -> s)
        .collect(Collectors.toSet());
    // A nested group (parley.netty.tls) is described by its own properties.
    assertThat(expected).allSatisfy(name -> assertThat(inMetadata)
        .as(name).anyMatch(p -> p.equals(name) || p.startsWith(name + ".")));
  }

  private static Stream<String> properties(String prefix, Class<? extends Record> type) {
    return components(type).stream().map(name -> prefix + name.replaceAll("([A-Z])", "-$1").toLowerCase());
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
