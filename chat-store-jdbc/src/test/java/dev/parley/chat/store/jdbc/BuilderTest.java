package dev.parley.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.history.Retention;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the builder accepts, refuses, and defaults to. */
class BuilderTest {
  @TempDir
  Path dir;

  @Test
  void aStoreNeedsADatabase() {
    assertThatThrownBy(() -> JdbcHistoryStore.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("file(), url() or dataSource()");
  }

  @Test
  void aTablePrefixCannotCarrySql() {
    assertThatThrownBy(() -> JdbcHistoryStore.builder().file(dir.resolve("h.db")).tablePrefix("x; DROP TABLE y; --").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("table prefix");
  }

  @Test
  void nonsenseSettingsAreRefused() {
    JdbcHistoryStore.Builder b = JdbcHistoryStore.builder();
    assertThatThrownBy(() -> b.queueCapacity(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.batchSize(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.readConnections(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.linger(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.retryFor(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.readTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.trimInterval(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFileStoreCreatesItsDirectoryAndKeepsTenThousandMessagesForThirtyDaysByDefault() {
    Path file = dir.resolve("nested/deeper/history.db");
    try (JdbcHistoryStore store = JdbcHistoryStore.builder().file(file).build()) {
      assertThat(store.retention()).isEqualTo(Retention.messages(10_000).maxAge(Duration.ofDays(30)));
      assertThat(store.toString()).contains("SQLITE").contains("parley_messages");
    }
    assertThat(Files.isRegularFile(file)).isTrue();
  }

  @Test
  void anUnreachableDatabaseFailsTheBuildClearly() {
    assertThatThrownBy(() -> JdbcHistoryStore.builder().url("jdbc:postgresql://127.0.0.1:1/nowhere").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Could not open the history store at jdbc:postgresql://127.0.0.1:1/nowhere");
  }

  @Test
  void aPasswordInTheUrlIsNeverInAMessage() {
    assertThatThrownBy(() -> JdbcHistoryStore.builder()
            .url("jdbc:postgresql://app:hunter2@127.0.0.1:1/nowhere?password=hunter3&ssl=false").build())
        .hasMessageContaining("Could not open the history store at jdbc:postgresql://app:***@127.0.0.1:1/nowhere?password=***&ssl=false")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter"));
  }
}
