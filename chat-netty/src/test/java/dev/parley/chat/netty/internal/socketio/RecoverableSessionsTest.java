package dev.parley.chat.netty.internal.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RecoverableSessionsTest {
  private final AtomicLong now = new AtomicLong(1_000);

  private RecoverableSessions.Saved saved(String pid) {
    return new RecoverableSessions.Saved("sid-" + pid, pid, "user", List.of("room"), Map.of("room", "0000000000000"),
        "room", null, now.get());
  }

  @Test
  void aSessionIsTakenOnce() {
    RecoverableSessions sessions = new RecoverableSessions(100, 10, now::get);
    sessions.save(saved("a"));
    assertThat(sessions.take("a").sid()).isEqualTo("sid-a");
    assertThat(sessions.take("a")).isNull();
    assertThat(sessions.take("unknown")).isNull();
  }

  @Test
  void sessionsExpireAfterTheMaximumDisconnection() {
    RecoverableSessions sessions = new RecoverableSessions(100, 10, now::get);
    sessions.save(saved("a"));
    now.addAndGet(60);
    sessions.save(saved("b"));
    now.addAndGet(40);
    assertThat(sessions.size()).as("a is exactly at the limit").isEqualTo(2);
    now.addAndGet(1);
    assertThat(sessions.take("a")).isNull();
    assertThat(sessions.take("b")).isNotNull();
  }

  @Test
  void theOldestIsForgottenPastTheBound() {
    RecoverableSessions sessions = new RecoverableSessions(1_000, 2, now::get);
    sessions.save(saved("a"));
    sessions.save(saved("b"));
    sessions.save(saved("c"));
    assertThat(sessions.size()).isEqualTo(2);
    assertThat(sessions.take("a")).isNull();
    assertThat(sessions.take("c")).isNotNull();
  }
}
