package dev.parley.chat.cluster.redis;

import static dev.parley.chat.cluster.redis.Nodes.get;
import static dev.parley.chat.cluster.redis.Nodes.message;
import static dev.parley.chat.cluster.redis.RecordingNode.await;
import static dev.parley.chat.cluster.redis.RecordingNode.texts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.cluster.Exclusion;
import dev.parley.chat.spi.ServerEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The periodic position check against entries that arrive while its answer is on the way: the
 * answer tells of Redis when the check ran there, which may be before entries this node has
 * delivered since.
 */
class PositionCheckTest extends RedisTest {
  /** The proxied engine's command connection (it opens its pub/sub connection next). */
  private static final int COMMANDS = 0;
  private static final int PUB_SUB = 1;

  private long hmgets() {
    try {
      return redis.calls("hmget");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A room followed before its first entry: a check that ran in Redis before that entry, answered
   * after the node delivered it, found no epoch where the node holds one, and the node took the
   * room for lost (a reset, which makes the server close the room's local connections). Seen in
   * the cluster benchmark as members dropped from new rooms during a burst of joins.
   */
  /** Frequent checks; heartbeats that outlast the held replies, so that nobody reaps this node. */
  private static RedisClusterConfig checkingOften(ReplyHold proxy) {
    return RedisClusterConfig.builder(proxy.uri())
        .commandTimeout(Duration.ofSeconds(10))
        .heartbeatInterval(Duration.ofSeconds(1))
        .nodeTimeout(Duration.ofSeconds(30))
        .checkInterval(Duration.ofMillis(50))
        .build();
  }

  @Test
  void aCheckAnsweredAfterTheRoomsFirstEntry_butRunBeforeIt_doesNotResetTheRoom() throws Exception {
    try (ReplyHold proxy = new ReplyHold(redis.port())) {
      RecordingNode a = new RecordingNode();
      RedisClusterEngine follower = nodes.start(a, checkingOften(proxy));
      RedisClusterEngine publisher = nodes.start(new RecordingNode());
      get(follower.follow("r", 10));

      proxy.hold(COMMANDS);
      long before = hmgets();
      await(Duration.ofSeconds(5), () -> hmgets() > before, "a position check run in Redis");
      // The room's first entry, after the check ran: the check's answer says the room has none.
      get(publisher.publish("r", message("r", "u", "one"), Exclusion.none()));
      await(Duration.ofSeconds(5), () -> a.entries("r").size() == 1, "the first entry, delivered");
      proxy.release(COMMANDS);

      // Its answer comes before this publish's on the same connection; the follow after it runs on
      // the engine thread after the answer was handled, and after a reset's snapshot if it made one.
      get(follower.publish("r", message("r", "u", "two"), Exclusion.none()));
      get(follower.follow("barrier", 0));

      assertThat(a.resets("r")).isEmpty();
      await(Duration.ofSeconds(5), () -> a.entries("r").size() == 2, "the second entry");
      assertThat(texts(a.entries("r"))).containsExactly("one", "two");
      follower.close(); // while the proxy still carries its leaving
    }
  }

  /**
   * Entries still on their way on the pub/sub connection when a check answers: the check must not
   * read them from the log at once, because a clear among them has emptied the log and the node
   * would take them for lost (a reset, which tells the server to resync the room's clients). Seen
   * in the contract test on a loaded machine ("after 0 it has 13").
   */
  @Test
  void entriesStillOnTheirWay_acrossAClear_areDeliveredWithoutAReset() throws Exception {
    try (ReplyHold proxy = new ReplyHold(redis.port())) {
      RecordingNode a = new RecordingNode();
      RedisClusterEngine follower = nodes.start(a, checkingOften(proxy));
      RedisClusterEngine publisher = nodes.start(new RecordingNode());
      get(follower.follow("r", 10));

      proxy.hold(PUB_SUB);
      get(publisher.publish("r", message("r", "u", "one"), Exclusion.none()));
      get(publisher.publish("r", new ServerEvent.HistoryCleared("r", "u", null), Exclusion.none()));
      get(publisher.publish("r", message("r", "u", "two"), Exclusion.none()));
      // Several checks see the room ahead of the node while its channel is held.
      long before = hmgets();
      await(Duration.ofSeconds(5), () -> hmgets() > before + 3, "position checks run in Redis");
      proxy.release(PUB_SUB);

      await(Duration.ofSeconds(5), () -> a.entries("r").size() == 3, "the three entries");
      assertThat(a.resets("r")).isEmpty();
      assertThat(texts(a.entries("r"))).containsExactly("one", "two");
      follower.close();
    }
  }
}
