package dev.parley.chat.cluster.redis.internal;

import static dev.parley.chat.cluster.redis.Nodes.get;
import static dev.parley.chat.cluster.redis.Nodes.message;
import static dev.parley.chat.cluster.redis.RecordingNode.await;
import static dev.parley.chat.cluster.redis.RecordingNode.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.cluster.ClusterUnavailableException;
import dev.parley.chat.cluster.Exclusion;
import dev.parley.chat.cluster.RoomEntry;
import dev.parley.chat.cluster.ServerEventCodec;
import dev.parley.chat.cluster.redis.Nodes;
import dev.parley.chat.cluster.redis.RecordingNode;
import dev.parley.chat.cluster.redis.RedisClusterEngine;
import dev.parley.chat.cluster.redis.RedisProcess;
import dev.parley.chat.cluster.redis.RedisTest;
import dev.parley.chat.spi.ServerEvent;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** What a follower does when pub/sub loses entries, the log loses them too, or Redis goes away. */
class FollowerFailureTest extends RedisTest {
  /**
   * Appends a message to a room's order as publish() does, but publishes it on a channel nobody
   * listens to: the entry is in the log and the room's sequence, and no follower got it.
   */
  private static void publishLost(String room, String text) throws Exception {
    Keys k = new Keys("parley:");
    byte[] payload = ServerEventCodec.encodeEntry(new RoomEntry(message(room, "u", text), Exclusion.none()));
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, byte[]> c = client.connect(RedisOps.CODEC)) {
      c.sync().eval(Script.PUBLISH.text(), ScriptOutputType.MULTI,
          new String[] {k.idHash(), k.roomMeta(room), k.roomLog(room), k.roomMsgs(room), k.rooms(), k.roomUsers(room)},
          b("m"), payload, b(Integer.toString(Nodes.LOG_SIZE)), b("nowhere"), b(room));
    } finally {
      client.shutdown();
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private RedisClusterEngine quietNode(RecordingNode node) throws Exception {
    // No position checks during the test: a gap must be noticed by the entry after it.
    return nodes.start(node, nodes.config().toBuilder().checkInterval(Duration.ofMinutes(10)).build());
  }

  @Test
  void aLostEntry_isFilledFromTheLog_whenTheNextOneArrives() throws Exception {
    RecordingNode a = new RecordingNode();
    RedisClusterEngine e = quietNode(a);
    get(e.follow("r", 0));
    get(e.publish("r", message("r", "u", "one"), Exclusion.none()));
    publishLost("r", "two");
    get(e.publish("r", message("r", "u", "three"), Exclusion.none()));

    await(Duration.ofSeconds(5), () -> a.entries("r").size() == 3, "three entries");
    assertThat(texts(a.entries("r"))).containsExactly("one", "two", "three");
    assertThat(a.resets).isEmpty();
  }

  @Test
  void aLostEntry_withNothingAfterIt_isFoundByThePositionCheck() throws Exception {
    RecordingNode a = new RecordingNode();
    RedisClusterEngine e = nodes.start(a);
    get(e.follow("r", 0));
    publishLost("r", "lost");

    await(Duration.ofSeconds(5), () -> a.entries("r").size() == 1, "the lost entry");
    assertThat(texts(a.entries("r"))).containsExactly("lost");
  }

  @Test
  void aGapTheLogCannotFill_resetsTheRoom() throws Exception {
    RecordingNode a = new RecordingNode();
    RedisClusterEngine e = quietNode(a);
    get(e.follow("r", 10));
    publishLost("r", "lost");
    redis.command("DEL", "parley:room:r:log"); // the log dropped it before the follower came for it
    get(e.publish("r", message("r", "u", "after"), Exclusion.none()));

    await(Duration.ofSeconds(5), () -> a.resets("r").size() == 1, "a reset");
    assertThat(a.resets("r").get(0).recent()).extracting(ChatMessage::text).containsExactly("after");
    assertThat(texts(a.entries("r"))).doesNotContain("lost", "after");
    get(e.publish("r", message("r", "u", "next"), Exclusion.none()));
    await(Duration.ofSeconds(5), () -> texts(a.entries("r")).contains("next"), "delivery after the reset");
  }

  @Test
  void aKilledSubscription_isRestored_andNothingIsLost() throws Exception {
    RecordingNode a = new RecordingNode();
    // A log long enough to cover what is published while the subscription reconnects; what a
    // shorter log cannot cover resets the room instead (aGapTheLogCannotFill_resetsTheRoom).
    RedisClusterEngine follower = nodes.start(a, nodes.config(), 1000);
    RedisClusterEngine sender = nodes.start(new RecordingNode(), nodes.config(), 1000); // it trims the log
    get(follower.follow("r", 0));
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      if (i == 100 || i == 200) {
        redis.command("CLIENT", "KILL", "TYPE", "pubsub");
      }
      get(sender.publish("r", message("r", "u", "m" + i), Exclusion.none()));
      sent.add("m" + i);
    }

    await(Duration.ofSeconds(10), () -> a.entries("r").size() == 300, "all 300 entries");
    assertThat(texts(a.entries("r"))).isEqualTo(sent);
    assertThat(a.resets).isEmpty();
  }

  @Test
  void redisRestartedWithoutItsData_resetsFollowedRooms_andEvictsTheNode() throws Exception {
    RecordingNode a = new RecordingNode();
    RedisClusterEngine e = nodes.start(a);
    String firstId = e.nodeId();
    get(e.follow("r", 10));
    ChatMessage before =
        ((ServerEvent.Message) get(e.publish("r", message("r", "u", "before"), Exclusion.none()))).message();
    await(Duration.ofSeconds(5), () -> a.entries("r").size() == 1, "the first entry");

    redis.kill();
    assertThatThrownBy(() -> get(e.claim("bob", "c1", false)))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(ClusterUnavailableException.class);
    redis.startAgain();

    await(Duration.ofSeconds(10), () -> a.resets("r").size() == 1, "the room is reset");
    assertThat(a.resets("r").get(0).recent()).isEmpty();
    await(Duration.ofSeconds(10), () -> a.evictions.get() == 1, "the node notices its records are gone");
    assertThat(e.nodeId()).isNotEqualTo(firstId);
    get(e.publish("r", message("r", "u", "after"), Exclusion.none()));
    await(Duration.ofSeconds(5), () -> texts(a.entries("r")).contains("after"), "delivery in the new epoch");
    assertThat(texts(a.entries("r"))).containsExactly("before", "after");
    assertThat(get(e.claim("bob", "c1", false))).isTrue();
    assertThat(get(e.after("r", before.id(), 10))).as("an id from before Redis lost its data").isEmpty();
  }

  @Test
  void redisRestartedWithItsData_keepsRoomsNamesAndNodes() throws Exception {
    try (RedisProcess durable = RedisProcess.start(true); Nodes here = new Nodes(durable)) {
      RecordingNode a = new RecordingNode();
      RedisClusterEngine follower = here.start(a);
      RedisClusterEngine sender = here.start(new RecordingNode());
      String id = follower.nodeId();
      get(follower.claim("bob", "c1", false));
      get(follower.follow("r", 10));
      get(sender.publish("r", message("r", "u", "before"), Exclusion.none()));
      await(Duration.ofSeconds(5), () -> a.entries("r").size() == 1, "the first entry");

      durable.kill();
      durable.startAgain();
      // Sent as soon as the sender is back, perhaps before the follower re-subscribed.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (true) {
        try {
          get(sender.publish("r", message("r", "u", "after"), Exclusion.none()));
          break;
        } catch (ExecutionException e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(20); // the sender's connection is reconnecting
        }
      }

      await(Duration.ofSeconds(10), () -> a.entries("r").size() == 2, "the entry sent after the restart");
      assertThat(texts(a.entries("r"))).containsExactly("before", "after");
      assertThat(a.resets).isEmpty();
      assertThat(a.evictions).hasValue(0);
      assertThat(follower.nodeId()).isEqualTo(id);
      assertThat(get(sender.claim("bob", "c2", false))).as("bob's claim survived").isFalse();
    }
  }

  @Test
  void whileRedisIsDown_callsFailFast_withClusterUnavailable() throws Exception {
    RedisClusterEngine e = nodes.start(new RecordingNode());
    redis.kill();
    try {
      long start = System.nanoTime();
      assertThatThrownBy(() -> get(e.publish("r", message("r", "u", "m"), Exclusion.none())))
          .hasCauseInstanceOf(ClusterUnavailableException.class);
      assertThatThrownBy(() -> get(e.enter("r", "bob", "c1"))).hasCauseInstanceOf(ClusterUnavailableException.class);
      assertThatThrownBy(() -> get(e.follow("r2", 0))).hasCauseInstanceOf(ClusterUnavailableException.class);
      // Rejected at once, not after the 500 ms command timeout: nothing is queued.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
    } finally {
      redis.startAgain();
    }
  }
}
