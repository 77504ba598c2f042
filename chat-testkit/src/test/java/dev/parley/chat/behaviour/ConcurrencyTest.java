package dev.parley.chat.behaviour;

import dev.parley.chat.*;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.testkit.ChatTestKit;
import dev.parley.chat.testkit.TestClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** With a real thread pool: one room order for everyone, and per-sender order kept. */
class ConcurrencyTest {

  @Test
  void everyMemberSeesTheSameOrder_andEachSendersMessagesInSequence() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    ExecutorService senders = Executors.newFixedThreadPool(4);
    int perSender = 300;
    try (ChatTestKit kit = ChatTestKit.create(b -> b.hookExecutor(pool).config(ChatConfig.builder()
        .announcePresence(false).requestsPerSecond(1_000_000).requestBurst(1_000_000)
        .maxPendingRequests(10_000).historySize(0).build()))) {
      List<TestClient> clients = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        TestClient c = kit.connect().join("lobby", "u" + i);
        c.take(ServerEvent.Joined.class);
        clients.add(c);
      }
      TestClient watcher = kit.connect().join("lobby", "watcher");
      watcher.take(ServerEvent.Joined.class);
      TestClient watcher2 = kit.connect().join("lobby", "watcher2");
      watcher2.take(ServerEvent.Joined.class);
      watcher.take(ServerEvent.Presence.class);

      for (TestClient c : clients) {
        senders.execute(() -> {
          for (int n = 0; n < perSender; n++) {
            c.send("lobby", Integer.toString(n));
          }
        });
      }

      List<ChatMessage> seen1 = new ArrayList<>();
      List<ChatMessage> seen2 = new ArrayList<>();
      while (seen1.size() < 4 * perSender) {
        ServerEvent e = watcher.takeEvent();
        if (e instanceof ServerEvent.Message m) {
          seen1.add(m.message());
        }
      }
      while (seen2.size() < 4 * perSender) {
        ServerEvent e = watcher2.takeEvent();
        if (e instanceof ServerEvent.Message m) {
          seen2.add(m.message());
        }
      }
      assertThat(seen2).isEqualTo(seen1);
      Map<String, Integer> next = new HashMap<>();
      for (ChatMessage m : seen1) {
        int expected = next.getOrDefault(m.sender(), 0);
        assertThat(Integer.parseInt(m.text())).as("order of " + m.sender()).isEqualTo(expected);
        next.put(m.sender(), expected + 1);
      }
    } finally {
      senders.shutdownNow();
      pool.shutdownNow();
      pool.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
