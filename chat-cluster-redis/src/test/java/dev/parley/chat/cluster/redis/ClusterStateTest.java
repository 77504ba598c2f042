package dev.parley.chat.cluster.redis;

import static dev.parley.chat.cluster.redis.Nodes.get;
import static dev.parley.chat.cluster.redis.Nodes.message;
import static dev.parley.chat.cluster.redis.RecordingNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.cluster.Exclusion;
import dev.parley.chat.cluster.RoomEntry;
import dev.parley.chat.spi.ServerEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Names, presence, routing and node liveness across two engines in one JVM. */
class ClusterStateTest extends RedisTest {
  @Test
  void names_areUniqueAcrossNodes_unlessSharedByEveryHolder() throws Exception {
    RedisClusterEngine a = nodes.start(new RecordingNode());
    RedisClusterEngine b = nodes.start(new RecordingNode());

    assertThat(get(a.claim("alice", "a1", false))).isTrue();
    assertThat(get(b.claim("alice", "b1", false))).isFalse();
    assertThat(get(b.claim("alice", "b1", true))).as("shared, but alice's holder is not").isFalse();
    assertThat(get(a.claim("alice", "a1", false))).as("the holder again").isTrue();

    assertThat(get(a.claim("bot", "a2", true))).isTrue();
    assertThat(get(b.claim("bot", "b2", true))).isTrue();
    assertThat(get(b.claim("bot", "b3", false))).isFalse();
    assertThat(get(b.onlineUsers())).containsExactlyInAnyOrder("alice", "bot");

    get(a.release("alice", "a1"));
    assertThat(get(b.claim("alice", "b1", false))).isTrue();
    get(a.release("bot", "a2"));
    assertThat(get(a.onlineUsers())).containsExactlyInAnyOrder("alice", "bot");
    get(b.release("bot", "b2"));
    assertThat(get(a.onlineUsers())).containsExactly("alice");
  }

  @Test
  void presence_countsConnectionsAcrossNodes() throws Exception {
    RedisClusterEngine a = nodes.start(new RecordingNode());
    RedisClusterEngine b = nodes.start(new RecordingNode());

    assertThat(get(a.enter("r", "bob", "a1"))).as("first connection anywhere").isTrue();
    assertThat(get(b.enter("r", "bob", "b1"))).isFalse();
    assertThat(get(b.enter("r", "bob", "b1"))).as("the same connection again").isFalse();
    assertThat(get(b.enter("r", "carol", "b2"))).isTrue();
    assertThat(get(a.members("r"))).containsExactly("bob", "carol");
    assertThat(get(a.rooms())).containsExactly("r");

    assertThat(get(a.exit("r", "bob", "a1"))).isFalse();
    assertThat(get(b.exit("r", "bob", "b1"))).as("last connection anywhere").isTrue();
    assertThat(get(b.exit("r", "bob", "b1"))).isFalse();
    assertThat(get(a.members("r"))).containsExactly("carol");
    get(b.exit("r", "carol", "b2"));
    assertThat(get(a.rooms())).as("no members and no messages").isEmpty();

    get(a.publish("kept", message("kept", "u", "m"), Exclusion.none()));
    assertThat(get(a.rooms())).as("a room with kept messages").containsExactly("kept");
  }

  @Test
  void privateMessages_reachEveryNodeHoldingTheUser() throws Exception {
    RecordingNode na = new RecordingNode();
    RecordingNode nb = new RecordingNode();
    RecordingNode nc = new RecordingNode();
    RedisClusterEngine a = nodes.start(na);
    RedisClusterEngine b = nodes.start(nb);
    RedisClusterEngine c = nodes.start(nc);
    get(b.claim("dora", "b1", true));
    get(b.claim("dora", "b2", true));
    get(c.claim("dora", "c1", true));
    nb.users.add("dora");
    nc.users.add("dora");

    ServerEvent.Message pm = message(null, "alice", "psst");
    assertThat(get(a.toUser("dora", pm))).as("three connections on the two nodes that got it").isEqualTo(3);
    await(Duration.ofSeconds(5), () -> nb.toUser.size() == 1 && nc.toUser.size() == 1, "both nodes");
    assertThat(na.toUser).as("asked locally too, where dora has nothing").hasSize(1);
    assertThat(get(b.toUser("dora", pm))).as("one here (the recording node counts one), one on c").isEqualTo(2);

    nb.connections.add("b1");
    assertThat(get(a.toConnection("b1", pm))).isTrue();
    await(Duration.ofSeconds(5), () -> nb.toConnection.size() == 1, "the connection's node");
    assertThat(get(a.toConnection("nobody", pm))).isFalse();

    assertThat(get(a.disconnect("dora", "bye"))).isEqualTo(3);
    await(Duration.ofSeconds(5), () -> nb.disconnected.size() == 1 && nc.disconnected.size() == 1, "closed on both");
  }

  @Test
  void sessions_areKeptForAnyNode_andTakenOnce() throws Exception {
    RedisClusterEngine a = nodes.start(new RecordingNode());
    RedisClusterEngine b = nodes.start(new RecordingNode());
    get(a.keepSession("s1", "state".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30)));
    assertThat(get(b.takeSession("s1"))).hasValueSatisfying(v -> assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo("state"));
    assertThat(get(a.takeSession("s1"))).isEmpty();
    get(a.keepSession("s2", new byte[] {1}, Duration.ofMillis(50)));
    await(Duration.ofSeconds(5), () -> {
      try {
        return redis.command("EXISTS", "parley:session:s2").startsWith(":0");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, "the session expires");
    assertThat(get(b.takeSession("s2"))).isEmpty();
  }

  private record TwoNodes(RedisClusterEngine a, RedisClusterEngine b) {}

  /** Nodes a and b, both following room r, with bob in r on b (connection b1). */
  private TwoNodes bobInROnB(RecordingNode na, RecordingNode nb) throws Exception {
    RedisClusterEngine a = nodes.start(na);
    RedisClusterEngine b = nodes.start(nb);
    get(a.follow("r", 0));
    get(b.follow("r", 0));
    get(b.claim("bob", "b1", false));
    get(b.enter("r", "bob", "b1"));
    return new TwoNodes(a, b);
  }

  @Test
  void aNodeThatStops_isReaped_itsUsersLeaveOnce_andItsNamesAreFree() throws Exception {
    RecordingNode na = new RecordingNode();
    RecordingNode nb = new RecordingNode();
    TwoNodes started = bobInROnB(na, nb);
    RedisClusterEngine a = started.a();
    RedisClusterEngine b = started.b();
    get(b.enter("r", "bob", "b2"));
    get(a.claim("carol", "a1", false));
    get(a.enter("r", "carol", "a1"));

    // b freezes: its engine thread blocks in the next delivery, so it stops heartbeating.
    nb.freeze();
    get(a.publish("r", message("r", "carol", "hello"), Exclusion.none()));

    await(Duration.ofSeconds(10), () -> presence(na.entries("r")).contains("bob left"), "bob leaves r");
    assertThat(presence(na.entries("r"))).containsOnlyOnce("bob left");
    await(Duration.ofSeconds(5), () -> !na.departed.isEmpty(), "a's server is told bob departed");
    assertThat(na.departed).as("the reaper's server alone adds the notice").containsExactly("r bob");
    assertThat(get(a.members("r"))).containsExactly("carol");
    assertThat(get(a.onlineUsers())).containsExactly("carol");
    assertThat(get(a.claim("bob", "a2", false))).isTrue();

    // b wakes up: it notices that it was reaped, is told so, and rejoins as a new node.
    String before = b.nodeId();
    nb.thaw();
    await(Duration.ofSeconds(10), () -> nb.evictions.get() == 1, "b is evicted");
    await(Duration.ofSeconds(5), () -> !b.nodeId().equals(before), "b has a new id");
    // Its server then closes bob's connections; their exits find nothing, so nobody sees bob leave twice.
    assertThat(get(b.exit("r", "bob", "b1"))).isFalse();
    assertThat(get(b.exit("r", "bob", "b2"))).isFalse();
    get(b.release("bob", "b1"));
    assertThat(get(a.onlineUsers())).containsExactlyInAnyOrder("carol", "bob");
    assertThat(presence(na.entries("r"))).containsOnlyOnce("bob left");
    assertThat(na.departed).containsExactly("r bob");
    assertThat(nb.departed).isEmpty();
    assertThat(get(b.enter("r", "erin", "b3"))).as("b works again under its new id").isTrue();
  }

  @Test
  void aDeadNodesUserLeavesWithTheReapersLiveNotice_inTheRoomsOrder() throws Exception {
    RecordingNode na = new RecordingNode();
    RecordingNode nb = new RecordingNode();
    na.liveDepartureNotices = true;
    nb.liveDepartureNotices = true;
    TwoNodes started = bobInROnB(na, nb);
    RedisClusterEngine a = started.a();
    RedisClusterEngine b = started.b();

    // b freezes in its next delivery, so it stops heartbeating and a reaps it.
    nb.freeze();
    get(a.publish("r", message("r", "carol", "hello"), Exclusion.none()));
    await(Duration.ofSeconds(15), () -> presence(na.entries("r")).contains("bob left"), "bob leaves r");
    ServerEvent.Presence left = na.entries("r").stream()
        .map(RoomEntry::event)
        .filter(e -> e instanceof ServerEvent.Presence p && !p.joined())
        .map(e -> (ServerEvent.Presence) e)
        .findFirst().orElseThrow();
    assertThat(left.notice()).as("the notice travels with the departure").isNotNull();
    assertThat(left.notice().text()).isEqualTo("bob has left");
    assertThat(left.notice().id()).as("an id in the room's order").isNotEqualTo("0000000000000");
    nb.thaw();
  }

  @Test
  void aNodeThatCloses_leavesAtOnce() throws Exception {
    RecordingNode na = new RecordingNode();
    RedisClusterEngine a = nodes.start(na);
    RedisClusterEngine b = nodes.start(new RecordingNode());
    get(a.follow("r", 0));
    get(b.claim("bob", "b1", false));
    get(b.enter("r", "bob", "b1"));
    b.close();

    await(Duration.ofSeconds(5), () -> presence(na.entries("r")).contains("bob left"), "bob leaves r");
    assertThat(get(a.members("r"))).isEmpty();
    assertThat(get(a.claim("bob", "a1", false))).isTrue();
  }

  private static List<String> presence(List<RoomEntry> entries) {
    return entries.stream()
        .filter(e -> e.event() instanceof ServerEvent.Presence)
        .map(e -> (ServerEvent.Presence) e.event())
        .map(p -> p.user() + (p.joined() ? " joined" : " left"))
        .collect(Collectors.toList());
  }

}
