package dev.parley.chat.behaviour;

import dev.parley.chat.MessageDecision;
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

  @Test
  void concurrentSendersToOneRoomLeaveItsHistoryInDeliveryOrder_soRecoveryAfterAnyIdIsExact() throws Exception {
    ExecutorService senders = Executors.newFixedThreadPool(8);
    int perSender = 500;
    int total = 8 * perSender;
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(ChatConfig.builder()
        .announcePresence(false).historySize(total).maxRecoveredMessages(total).build()))) {
      TestClient watcher = kit.connect().join("lobby", "watcher");
      watcher.take(ServerEvent.Joined.class);

      for (int t = 0; t < 8; t++) {
        String bot = "bot" + t;
        senders.execute(() -> {
          for (int n = 0; n < perSender; n++) {
            kit.server().distributeMsg("lobby", bot, Integer.toString(n));
          }
        });
      }
      List<String> delivered = new ArrayList<>();
      while (delivered.size() < total) {
        delivered.add(watcher.takeMessage().id());
      }

      assertThat(delivered).isSorted().doesNotHaveDuplicates();
      assertThat(kit.server().history("lobby")).extracting(ChatMessage::id).containsExactlyElementsOf(delivered);
      String midway = delivered.get(total / 2);
      TestClient late = kit.connect().rejoin("lobby", "late", midway);
      assertThat(late.take(ServerEvent.Joined.class).history()).extracting(ChatMessage::id)
          .containsExactlyElementsOf(delivered.subList(total / 2 + 1, total));
    } finally {
      senders.shutdownNow();
    }
  }

  @Test
  void aMessageHeldByASlowHookIsDeliveredWithANewerIdThanOnesSentMeanwhile() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
    try (ChatTestKit kit = ChatTestKit.create(b -> b.hookExecutor(pool)
        .config(ChatConfig.builder().announcePresence(false).build())
        .onMessage(ctx -> {
          if (ctx.message().text().equals("slow")) {
            held.countDown();
            release.await(); // a moderation call, say
          }
          return MessageDecision.accept();
        }))) {
      TestClient carol = kit.connect().join("a", "carol");
      carol.take(ServerEvent.Joined.class);
      carol.join("b").take(ServerEvent.Joined.class);
      TestClient alice = kit.connect().join("a", "alice");
      alice.take(ServerEvent.Joined.class);
      TestClient bob = kit.connect().join("b", "bob");
      bob.take(ServerEvent.Joined.class);

      alice.send("a", "slow");
      assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();
      bob.send("b", "fast");
      ChatMessage fast = carol.takeUntil(ServerEvent.Message.class).message();
      release.countDown();
      ChatMessage slow = carol.takeUntil(ServerEvent.Message.class).message();

      assertThat(fast.text()).isEqualTo("fast");
      assertThat(slow.text()).isEqualTo("slow");
      assertThat(slow.id()).as("ids follow delivery order across rooms").isGreaterThan(fast.id());
    } finally {
      pool.shutdownNow();
    }
  }
}
