package dev.parley.chat.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many rooms followed at once from several nodes: every follow ends subscribed. */
class ManyFollowsTest extends RedisTest {

  @Test
  void everyRoomFollowedAtOnceByTwoNodesIsSubscribedByBoth() throws Exception {
    RedisClusterEngine a = nodes.start(new RecordingNode());
    RedisClusterEngine b = nodes.start(new RecordingNode());
    int rooms = 400;
    List<CompletableFuture<?>> follows = new ArrayList<>();
    for (int i = 0; i < rooms; i++) {
      follows.add(a.follow("r" + i, 10).toCompletableFuture());
      follows.add(b.follow("r" + i, 10).toCompletableFuture());
    }
    CompletableFuture.allOf(follows.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

    List<String> short_ = new ArrayList<>();
    for (int i = 0; i < rooms; i++) {
      String reply = redis.command("PUBSUB", "NUMSUB", "parley:room:r" + i);
      if (!reply.trim().endsWith(":2")) {
        short_.add("r" + i + " -> " + reply.replace('\n', ' '));
      }
    }
    assertThat(short_).isEmpty();
  }
}
