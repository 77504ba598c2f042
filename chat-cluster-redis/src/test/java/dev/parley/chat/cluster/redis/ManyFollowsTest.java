package dev.parley.chat.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many rooms followed at once from several nodes (a node with many rooms whose clients all come
 * back at once): every follow ends subscribed, and the burst costs a few Redis commands, not two per
 * room, so that none of them waits behind hundreds of others past the command timeout.
 */
class ManyFollowsTest extends RedisTest {

  @Test
  void everyRoomFollowedAtOnceByTwoNodesIsSubscribedByBoth() throws Exception {
    // The production command timeout: the tests' shorter one is for failures, and a cold JVM on a
    // loaded machine can take longer than that over one command, however few are sent.
    RedisClusterConfig config = nodes.config().toBuilder().commandTimeout(RedisClusterConfig.builder("redis://x")
        .build().commandTimeout()).build();
    RedisClusterEngine a = nodes.start(new RecordingNode(), config);
    RedisClusterEngine b = nodes.start(new RecordingNode(), config);
    long subscribesBefore = redis.calls("subscribe");
    long scriptsBefore = redis.calls("evalsha") + redis.calls("eval");
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
    // How the follows batch depends on how fast the engine's thread takes them (a follow arriving
    // while it is idle goes alone), so the bound is loose: one command per room would be 800 each.
    assertThat(redis.calls("subscribe") - subscribesBefore).as("SUBSCRIBE commands").isLessThan(rooms / 5);
    assertThat(redis.calls("evalsha") + redis.calls("eval") - scriptsBefore).as("snapshot reads").isLessThan(rooms / 5);
  }
}
