package dev.parley.chat.cluster.redis;

import static dev.parley.chat.cluster.redis.Nodes.get;
import static dev.parley.chat.cluster.redis.Nodes.message;
import static dev.parley.chat.cluster.redis.RecordingNode.await;
import static dev.parley.chat.cluster.redis.RecordingNode.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.cluster.ClusterUnavailableException;
import dev.parley.chat.cluster.Exclusion;
import dev.parley.chat.cluster.RoomSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Following and unfollowing while SUBSCRIBE and UNSUBSCRIBE time out on the client although Redis
 * ran them (their replies held back), or run late (Redis paused): whatever order the late replies
 * come in, the node ends subscribed to a room exactly while it follows it, and gets its entries.
 */
class SubscriptionTimeoutTest extends RedisTest {
  /** The proxied engine's pub/sub connection (it opens its command connection first). */
  private static final int PUB_SUB = 1;
  private static final Duration TIMEOUT = Duration.ofMillis(1000);

  private RecordingNode node;
  private RedisClusterEngine follower;
  private RedisClusterEngine publisher;

  private void start(String uri) throws Exception {
    node = new RecordingNode();
    follower = nodes.start(node, config(uri));
    publisher = nodes.start(new RecordingNode(), config(redis.uri()));
  }

  /** No position check (it would mend what is tested here); heartbeats outlast the pauses. */
  private static RedisClusterConfig config(String uri) {
    return RedisClusterConfig.builder(uri)
        .commandTimeout(TIMEOUT)
        .heartbeatInterval(Duration.ofMillis(200))
        .nodeTimeout(Duration.ofSeconds(10))
        .checkInterval(Duration.ofMinutes(10))
        .build();
  }

  private static int subscribers(String room) {
    try {
      String reply = redis.command("PUBSUB", "NUMSUB", "parley:room:" + room);
      String[] lines = reply.trim().split("\r\n");
      return Integer.parseInt(lines[lines.length - 1].substring(1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The follower gets what is published in the room now, and is its one subscriber. */
  private void assertFollowed(String room, String text) throws Exception {
    get(publisher.publish(room, message(room, "u", text), Exclusion.none()));
    await(Duration.ofSeconds(5), () -> texts(node.entries(room)).contains(text), "\"" + text + "\" delivered");
    assertThat(subscribers(room)).isEqualTo(1);
  }

  /** Unsubscribed, and stays so: a late reply does not bring the subscription back. */
  private void assertNotFollowed(String room) throws Exception {
    await(Duration.ofSeconds(5), () -> subscribers(room) == 0, "no subscriber of " + room);
    // A follow of another room is a round trip on both connections after every late reply.
    get(follower.follow("barrier-" + room, 0));
    assertThat(subscribers(room)).isZero();
  }

  @Test
  void aFollowWhoseSubscribeTimedOut_andAFollowAfterIt_endSubscribed() throws Exception {
    try (ReplyHold proxy = new ReplyHold(redis.port())) {
      start(proxy.uri());
      proxy.hold(PUB_SUB);
      assertThatThrownBy(() -> get(follower.follow("r", 10))).hasCauseInstanceOf(ClusterUnavailableException.class);
      CompletionStage<RoomSnapshot> again = follower.follow("r", 10);
      proxy.release(PUB_SUB);
      get(again);
      assertFollowed("r", "one");
      follower.close();
    }
  }

  @Test
  void aFollowWhoseSubscribeTimedOut_alone_endsUnsubscribed() throws Exception {
    try (ReplyHold proxy = new ReplyHold(redis.port())) {
      start(proxy.uri());
      proxy.hold(PUB_SUB);
      assertThatThrownBy(() -> get(follower.follow("r", 10))).hasCauseInstanceOf(ClusterUnavailableException.class);
      proxy.release(PUB_SUB);
      assertNotFollowed("r");
      follower.close();
    }
  }

  @Test
  void anUnfollowAndAFollow_withTheirRepliesLate_endSubscribed() throws Exception {
    try (ReplyHold proxy = new ReplyHold(redis.port())) {
      start(proxy.uri());
      get(follower.follow("r", 10));
      long unsubscribes = calls("unsubscribe");
      long subscribes = calls("subscribe");
      proxy.hold(PUB_SUB);
      follower.unfollow("r");
      CompletionStage<RoomSnapshot> again = follower.follow("r", 10);
      await(Duration.ofSeconds(5), () -> calls("unsubscribe") > unsubscribes && calls("subscribe") > subscribes,
          "both run in Redis");
      proxy.release(PUB_SUB);
      get(again);
      assertFollowed("r", "one");
      follower.close();
    }
  }

  @Test
  void followsWhileRedisIsPaused_fail_andAFollowAfterThePause_endsSubscribed() throws Exception {
    start(redis.uri());
    // Redis runs nothing for longer than the command timeout: the first follow fails, and its
    // SUBSCRIBE and the UNSUBSCRIBE that gives it up run late, before the second follow's SUBSCRIBE.
    redis.command("CLIENT", "PAUSE", Long.toString(TIMEOUT.toMillis() * 3 / 2), "ALL");
    assertThatThrownBy(() -> get(follower.follow("r", 10))).hasCauseInstanceOf(ClusterUnavailableException.class);
    get(follower.follow("r", 10));
    assertFollowed("r", "one");
  }

  private static long calls(String command) {
    try {
      return redis.calls(command);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
