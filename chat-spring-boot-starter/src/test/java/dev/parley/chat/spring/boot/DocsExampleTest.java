package dev.parley.chat.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.store.jdbc.JdbcHistoryStore;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.context.annotation.Bean;

/**
 * docs/spring-boot.md's snippets: its application is {@code example.ChatApplication} (which
 * SpringBootApplicationIT runs), its history store bean is {@link JdbcStore#historyStore} below,
 * and every property of its application.properties binds.
 */
class DocsExampleTest {
  private static final Path DOC = Path.of("..", "docs", "spring-boot.md");
  private static final Path APP = Path.of("src", "test", "java", "dev", "parley", "chat", "spring", "boot", "example",
      "ChatApplication.java");

  /** The history store bean of the page, compiled. */
  static class JdbcStore {
    @Bean(destroyMethod = "") // the ChatServer closes it
    HistoryStore historyStore(DataSource dataSource) {
      return JdbcHistoryStore.builder().dataSource(dataSource).build();
    }
  }

  @Test
  void thePagesApplicationIsTheTestedOne() throws IOException {
    String source = Files.readString(APP);
    String fromAnnotation = source.substring(source.indexOf("@SpringBootApplication")).strip();
    assertThat(blocks("java")).contains(fromAnnotation);
  }

  @Test
  void thePagesHistoryStoreBeanIsTheCompiledOne() throws IOException {
    String source = Files.readString(Path.of("src", "test", "java", "dev", "parley", "chat", "spring", "boot",
        "DocsExampleTest.java"));
    String method = source.substring(source.indexOf("    @Bean(destroyMethod"), source.indexOf("  @Test"));
    String snippet = method.strip().lines().map(String::strip).collect(Collectors.joining("\n"))
        .replaceAll("\n}$", "");
    List<String> normalized = blocks("java").stream()
        .map(b -> b.lines().map(String::strip).collect(Collectors.joining("\n")))
        .toList();
    assertThat(normalized).contains(snippet);
  }

  @Test
  void everyPropertyOfThePageBinds() throws IOException {
    Properties properties = new Properties();
    properties.load(new StringReader(blocks("properties").get(0)));
    assertThat(properties.stringPropertyNames()).hasSize(5);
    ParleyProperties bound = new Binder(new MapConfigurationPropertySource(properties))
        .bind("parley", ParleyProperties.class).get();
    assertThat(bound.netty().port()).isEqualTo(9000);
    assertThat(bound.netty().allowedOrigins()).isEqualTo(Set.of("https://chat.example.com"));
    assertThat(bound.chat().historySize()).isEqualTo(50);
    assertThat(bound.chat().maxMessageLength()).isEqualTo(2000);
    assertThat(bound.socketIo().connectionStateRecovery()).isEqualTo(Duration.ofMinutes(5));
  }

  private static List<String> blocks(String language) throws IOException {
    Matcher m = Pattern.compile("```" + language + "\n(.*?)\n```", Pattern.DOTALL).matcher(Files.readString(DOC));
    List<String> blocks = new ArrayList<>();
    while (m.find()) {
      blocks.add(m.group(1).strip());
    }
    return blocks;
  }
}
