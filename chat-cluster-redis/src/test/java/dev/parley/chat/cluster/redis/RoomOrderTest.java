package dev.parley.chat.cluster.redis;

import static dev.parley.chat.cluster.redis.Nodes.get;
import static dev.parley.chat.cluster.redis.Nodes.message;
import static dev.parley.chat.cluster.redis.RecordingNode.await;
import static dev.parley.chat.cluster.redis.RecordingNode.texts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.cluster.Exclusion;
import dev.parley.chat.cluster.MessageIds;
import dev.parley.chat.cluster.RoomEntry;
import dev.parley.chat.cluster.RoomSnapshot;
import dev.parley.chat.spi.ServerEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RoomOrderTest extends RedisTest {
  @Test
  void entriesFromTwoNodes_reachBothFollowersInOneOrder_withIncreasingIds() throws Exception {
    RecordingNode a = new RecordingNode();
    RecordingNode b = new RecordingNode();
    RedisClusterEngine ea = nodes.start(a);
    RedisClusterEngine eb = nodes.start(b);
    get(ea.follow("lobby", 10));
    get(eb.follow("lobby", 10));

    List<CompletableFuture<ServerEvent>> sent = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      RedisClusterEngine from = i % 2 == 0 ? ea : eb;
      sent.add(from.publish("lobby", message("lobby", "u" + i % 2, "m" + i), Exclusion.none()).toCompletableFuture());
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get();

    await(Duration.ofSeconds(10), () -> a.entries("lobby").size() == 200 && b.entries("lobby").size() == 200,
        "both nodes have every entry");
    assertThat(a.entries("lobby")).isEqualTo(b.entries("lobby"));
    long last = 0;
    for (RoomEntry e : a.entries("lobby")) {
      long id = MessageIds.parse(((ServerEvent.Message) e.event()).message().id());
      assertThat(id).isGreaterThan(last);
      last = id;
    }
    assertThat(a.threads).allMatch(t -> t.equals("parley-redis-engine"));
    assertThat(a.resets).isEmpty();
  }

  @Test
  void publish_isOneRedisCallPerMessage_whateverTheFollowers() throws Exception {
    // No heartbeats or position checks during the test: the only calls are the messages'.
    RedisClusterConfig quiet = nodes.config().toBuilder()
        .heartbeatInterval(Duration.ofMinutes(20))
        .nodeTimeout(Duration.ofHours(1))
        .checkInterval(Duration.ofHours(1))
        .build();
    RecordingNode a = new RecordingNode();
    RecordingNode b = new RecordingNode();
    RedisClusterEngine ea = nodes.start(a, quiet);
    RedisClusterEngine eb = nodes.start(b, quiet);
    get(ea.follow("lobby", 0));
    get(eb.follow("lobby", 0));
    long before = scriptCalls();
    long publishesBefore = redis.calls("publish");

    for (int i = 0; i < 50; i++) {
      get(ea.publish("lobby", message("lobby", "u", "m" + i), Exclusion.none()));
    }
    await(Duration.ofSeconds(5), () -> a.entries("lobby").size() == 50 && b.entries("lobby").size() == 50,
        "both followers have every message");

    assertThat(scriptCalls() - before).isEqualTo(50);
    assertThat(redis.calls("publish") - publishesBefore).as("one PUBLISH each, inside the script").isEqualTo(50);
  }

  /** Scripts run, whether by hash or (the first time after a restart) whole. */
  private static long scriptCalls() throws Exception {
    return redis.calls("evalsha") + redis.calls("eval");
  }

  @Test
  void publish_givesTheMessageItsFinalId_andTheLogServesRecentAndAfter() throws Exception {
    RedisClusterEngine e = nodes.start(new RecordingNode());
    List<ChatMessage> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ServerEvent.Message m = (ServerEvent.Message) get(e.publish("r", message("r", "u", "m" + i), Exclusion.none()));
      assertThat(MessageIds.time(MessageIds.parse(m.message().id()))).isEqualTo(m.message().time());
      sent.add(m.message());
    }
    get(e.publish("r", new ServerEvent.Presence("r", "bob", true), Exclusion.none()));

    assertThat(get(e.recent("r", 3))).isEqualTo(sent.subList(2, 5));
    assertThat(get(e.recent("r", 10))).isEqualTo(sent);
    assertThat(get(e.after("r", sent.get(1).id(), 10))).contains(sent.subList(2, 5));
    assertThat(get(e.after("r", sent.get(4).id(), 10))).contains(List.of());
    assertThat(get(e.after("r", sent.get(1).id(), 2))).as("more than the limit").isEmpty();
    assertThat(get(e.after("r", MessageIds.format(1), 10))).as("an id the log never had").isEmpty();
    assertThat(get(e.after("r", "not an id", 10))).isEmpty();
  }

  @Test
  void log_keepsLogSizeMessages_evenAmongManyPresenceEntries() throws Exception {
    RedisClusterEngine e = nodes.start(new RecordingNode());
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < Nodes.LOG_SIZE * 3; i++) {
      get(e.publish("r", message("r", "u", "m" + i), Exclusion.none()));
      get(e.publish("r", new ServerEvent.Presence("r", "u" + i, i % 2 == 0), Exclusion.none()));
      texts.add("m" + i);
    }
    List<ChatMessage> recent = get(e.recent("r", Nodes.LOG_SIZE));
    assertThat(recent).extracting(ChatMessage::text).isEqualTo(texts.subList(texts.size() - Nodes.LOG_SIZE, texts.size()));
    assertThat(get(e.after("r", recent.get(0).id(), Nodes.LOG_SIZE))).isPresent();
    assertThat(get(e.after("r", recent.get(0).id(), Nodes.LOG_SIZE)).get()).hasSize(Nodes.LOG_SIZE - 1);
  }

  @Test
  void aLogCappedByPresence_answersOnlyForIdsAfterWhatItDropped() throws Exception {
    RedisClusterEngine e = nodes.start(new RecordingNode());
    ChatMessage m0 = ((ServerEvent.Message) get(e.publish("r", message("r", "u", "m0"), Exclusion.none()))).message();
    ChatMessage m1 = ((ServerEvent.Message) get(e.publish("r", message("r", "u", "m1"), Exclusion.none()))).message();
    // Past the cap of 4 x 50 + 100 entries, the oldest entries go, messages with them.
    for (int i = 0; i < 500; i++) {
      get(e.publish("r", new ServerEvent.Presence("r", "u" + i, i % 2 == 0), Exclusion.none()));
    }
    assertThat(get(e.recent("r", 10))).isEmpty();
    assertThat(get(e.after("r", m0.id(), 10))).as("m1 was dropped").isEmpty();
    assertThat(get(e.after("r", m1.id(), 10))).contains(List.of());
  }

  @Test
  void historyCleared_emptiesTheLogInOrder() throws Exception {
    RecordingNode a = new RecordingNode();
    RedisClusterEngine e = nodes.start(a);
    get(e.follow("r", 10));
    ServerEvent.Message before = (ServerEvent.Message) get(e.publish("r", message("r", "u", "before"), Exclusion.none()));
    ServerEvent cleared = get(e.publish("r", new ServerEvent.HistoryCleared("r", "admin", null), Exclusion.none()));
    ServerEvent.Message after = (ServerEvent.Message) get(e.publish("r", message("r", "u", "after"), Exclusion.none()));

    assertThat(get(e.recent("r", 10))).extracting(ChatMessage::text).containsExactly("after");
    await(Duration.ofSeconds(5), () -> a.entries("r").size() == 3, "all three entries");
    assertThat(cleared).isEqualTo(new ServerEvent.HistoryCleared("r", "admin", before.message().id()));
    assertThat(a.entries("r").get(1).event()).isEqualTo(cleared);
    RoomSnapshot snap = get(nodes.start(new RecordingNode()).follow("r", 10));
    assertThat(snap.recent()).extracting(ChatMessage::text).containsExactly("after");
    assertThat(snap.lastId()).isEqualTo(after.message().id());
  }

  @Test
  void follow_snapshotThenExactlyTheEntriesAfterIt() throws Exception {
    RecordingNode a = new RecordingNode();
    RedisClusterEngine e = nodes.start(a);
    for (int i = 0; i < 3; i++) {
      get(e.publish("r", message("r", "u", "old" + i), Exclusion.none()));
    }
    RoomSnapshot snap = get(e.follow("r", 2));
    assertThat(snap.recent()).extracting(ChatMessage::text).containsExactly("old1", "old2");
    get(e.publish("r", message("r", "u", "new"), Exclusion.none()));
    await(Duration.ofSeconds(5), () -> a.entries("r").size() == 1, "the new entry");

    // A second follow of a room this node delivers: cut at what was delivered.
    RoomSnapshot again = get(e.follow("r", 10));
    assertThat(again.recent()).extracting(ChatMessage::text).containsExactly("old0", "old1", "old2", "new");
    assertThat(texts(a.entries("r"))).containsExactly("new");
    assertThat(snap.lastId()).isNotNull();
  }

  @Test
  void unfollowedRooms_getNoTraffic() throws Exception {
    RecordingNode a = new RecordingNode();
    RedisClusterEngine ea = nodes.start(a);
    RedisClusterEngine eb = nodes.start(new RecordingNode());
    get(ea.follow("r", 0));
    ea.unfollow("r");
    await(Duration.ofSeconds(5), () -> numsub("r") == 0, "the channel has no subscriber");
    get(eb.publish("r", message("r", "u", "m"), Exclusion.none()));
    get(ea.follow("other", 0));
    get(eb.publish("other", message("other", "u", "m"), Exclusion.none()));
    await(Duration.ofSeconds(5), () -> a.entries("other").size() == 1, "the followed room's entry");
    assertThat(a.entries("r")).isEmpty();
  }

  private long numsub(String room) {
    try {
      String reply = redis.command("PUBSUB", "NUMSUB", "parley:room:" + room);
      String[] lines = reply.split("\r\n");
      return Long.parseLong(lines[lines.length - 1].substring(1));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void exclusion_travelsWithTheEntry() throws Exception {
    RecordingNode a = new RecordingNode();
    RedisClusterEngine e = nodes.start(a);
    get(e.follow("r", 0));
    get(e.publish("r", message("r", "u", "m"), new Exclusion("conn-1", null)));
    await(Duration.ofSeconds(5), () -> a.entries("r").size() == 1, "the entry");
    assertThat(a.entries("r").get(0).except()).isEqualTo(new Exclusion("conn-1", null));
    assertThat(Optional.ofNullable(a.resets.get("r"))).isEmpty();
  }
}
