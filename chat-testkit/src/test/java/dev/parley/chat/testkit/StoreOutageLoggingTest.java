package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.history.InMemoryHistoryStore;
import dev.parley.chat.history.Restriction;
import dev.parley.chat.history.Retention;
import dev.parley.chat.spi.ServerEvent;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * A history store that is down fails every request that reads it; the server logs that at ERROR once
 * per interval, not once per request (docs/operations.md, "Logging"): clients must not be able to
 * flood the log.
 */
class StoreOutageLoggingTest {
  private static final int REQUESTS = 20;

  /** A store that fails its reads once it is down. */
  private static final class DownStore implements HistoryStore {
    private final InMemoryHistoryStore kept = new InMemoryHistoryStore(Retention.messages(1000));
    volatile boolean down;

    private void check() {
      if (down) {
        throw new IllegalStateException("the database is down");
      }
    }

    @Override public Retention retention() { return kept.retention(); }
    @Override public CompletionStage<Void> append(String stream, ChatMessage message) { return kept.append(stream, message); }
    @Override public List<ChatMessage> before(String stream, String beforeId, int limit) {
      check();
      return kept.before(stream, beforeId, limit);
    }
    @Override public List<ChatMessage> after(String stream, String afterId, int limit) {
      check();
      return kept.after(stream, afterId, limit);
    }
    @Override public CompletionStage<Void> remove(String stream, String throughId) { return kept.remove(stream, throughId); }
    @Override public List<Restriction> restrictions(String room) {
      check();
      return kept.restrictions(room);
    }
    @Override public void close() {}
  }

  @Test
  void manyRequestsFailingOnADownStoreLogAtMostOneError() {
    DownStore store = new DownStore();
    PrintStream original = System.err; // slf4j-simple writes to System.err as it is at each call
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(ChatConfig.builder().announcePresence(false).build())
        .historyStore(store))) {
      TestClient alice = kit.joined("lobby", "alice");
      store.down = true;
      System.setErr(new PrintStream(new OutputStream() {
        @Override
        public synchronized void write(int b) {
          captured.write(b);
        }
      }, true, StandardCharsets.UTF_8));

      for (int i = 0; i < REQUESTS; i++) {
        kit.clock().advance(java.time.Duration.ofSeconds(1)); // within the connection's rate limit
        alice.history("lobby", "0000000000001", 10); // a page the store must read
        assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.HISTORY_UNAVAILABLE);
        alice.join("room" + i); // a room whose bans this node has not read yet
        assertThat(alice.takeUntil(ServerEvent.Error.class).code()).isEqualTo(ErrorCodes.HISTORY_UNAVAILABLE);
      }
    } finally {
      System.setErr(original);
    }
    String log;
    synchronized (captured) {
      log = captured.toString(StandardCharsets.UTF_8);
    }
    original.print(log);
    List<String> loud = log.lines().filter(l -> l.contains(" ERROR ") || l.contains(" WARN ")).toList();
    assertThat(loud).as("%d failed requests", 2 * REQUESTS).hasSizeLessThanOrEqualTo(1);
  }
}
