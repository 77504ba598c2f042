package dev.parley.chat.examples;

import static dev.parley.chat.examples.Member.frame;
import static dev.parley.chat.examples.Member.string;
import static dev.parley.chat.examples.Member.type;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Three example processes on one Redis and one PostgreSQL database when something fails: a node
 * killed with {@code kill -9}, a node frozen past the node timeout, Redis restarted with and without
 * its data. Each test uses rooms and names of its own; a node a test killed is started again before
 * the next one.
 */
class ClusterFailureIT extends ThreeNodes {
  /** docs/cluster.md: a dead node's users are gone from its rooms, and its names free, within this. */
  private static final Duration DEATH_WINDOW = Duration.ofSeconds(15);
  /** How long a message between live nodes may take while one is dead or Redis is back. */
  private static final Duration PROMPT = Duration.ofSeconds(3);

  private static Predicate<JsonObject> left(String room, String user) {
    return frame("presence", "room", room, "user", user, "state", "left");
  }

  private static Predicate<JsonObject> leftNotice(String room, String user) {
    return frame("message", "room", room, "kind", "notice", "text", user + " has left");
  }

  private static long count(Member m, Predicate<JsonObject> match) throws Exception {
    return m.frames().stream().filter(match).count();
  }

  @Test
  void aKilledNodesUsersLeaveEveryRoomOnce_theirNamesAreFree_chatGoesOn_andTheyRecoverOnAnotherNode()
      throws Exception {
    Member a = member(0, "k1", "ka");
    a.join("k2", null);
    Member b = member(1, "k1", "kb");
    b.join("k2", null);
    Member v1 = member(2, "k1", "kv1");
    v1.join("k2", null);
    Member v2 = member(2, "k1", "kv2");
    a.request("message", "\"room\":\"k1\",\"text\":\"before\"");
    String lastSeen = string(v1.await(frame("message", "text", "before"), Member.WAIT, "before")
        .getAsJsonObject("message"), "id");

    nodes[2].close(); // kill -9
    long killed = System.nanoTime();
    List<Predicate<JsonObject>> departures =
        List.of(left("k1", "kv1"), left("k2", "kv1"), left("k1", "kv2"));
    for (int i = 0; ; i++) {
      // Chat between the live nodes goes on while the dead one is not reaped yet.
      a.say("k1", "live " + i, "live" + i);
      b.await(frame("message", "text", "live " + i), PROMPT, "live " + i + " while a node is dead");
      boolean allGone = true;
      for (Member m : List.of(a, b)) {
        for (Predicate<JsonObject> gone : departures) {
          allGone &= m.find(gone, Duration.ZERO) != null;
        }
      }
      if (allGone) {
        break;
      }
      assertThat(Duration.ofNanos(System.nanoTime() - killed)).as("the dead node's users left within the window")
          .isLessThan(DEATH_WINDOW);
      a.find(f -> false, Duration.ofMillis(250)); // paces the live messages: about four a second
    }
    // Everything before these markers in each room's order has arrived: nothing was told twice.
    for (String room : List.of("k1", "k2")) {
      a.request("message", "\"room\":\"" + room + "\",\"text\":\"marker\"");
      b.await(frame("message", "room", room, "text", "marker"), PROMPT, "the marker");
    }
    for (Member m : List.of(a, b)) {
      for (String[] gone : List.of(new String[] {"k1", "kv1"}, new String[] {"k2", "kv1"}, new String[] {"k1", "kv2"})) {
        assertThat(count(m, left(gone[0], gone[1]))).as("%s told %s left %s", m, gone[1], gone[0]).isEqualTo(1);
        assertThat(count(m, leftNotice(gone[0], gone[1]))).as("%s's notices that %s left %s", m, gone[1], gone[0])
            .isEqualTo(1);
      }
      assertThat(count(m, left("k2", "kv2"))).as("kv2 was never in k2").isZero();
    }
    assertIncreasingIds(List.of(a, b), "k1");

    // The names are free again, and the killed node's user recovers what it missed on another node.
    Member again = track(Member.connect(port(0), "kv2", false));
    again.join("k2", null);
    List<String> missed = new ArrayList<>();
    for (JsonObject m : b.messages("k1")) {
      // The "has left" notices were live only (the default): in the room's order, but kept nowhere.
      if (string(m, "id").compareTo(lastSeen) > 0 && !"notice".equals(string(m, "kind"))) {
        missed.add(string(m, "id"));
      }
    }
    Member back = track(Member.connect(port(1), "kv1", false));
    JsonObject joined = back.join("k1", lastSeen);
    assertThat(joined.get("recovered").getAsBoolean()).as("%s", joined).isTrue();
    assertThat(ClusterIT.ids(joined.getAsJsonArray("history"), m -> true)).isEqualTo(missed);
  }

  @Test
  void aFrozenNodeNoticesItWasEvicted_closesItsClientsAndRejoins_withoutDuplicatePresence() throws Exception {
    String room = "frozen";
    Member a = member(0, room, "fa");
    Member b = member(1, room, "fb");
    Member f = member(2, room, "ff");

    nodes[2].freeze();
    try {
      a.await(left(room, "ff"), DEATH_WINDOW, "ff leaving with its frozen node");
      a.request("message", "\"room\":\"" + room + "\",\"text\":\"while frozen\"");
      b.await(frame("message", "text", "while frozen"), PROMPT, "a message while a node is frozen");
    } finally {
      nodes[2].thaw();
    }
    assertThat(f.client.awaitClose(Member.WAIT)).as("the evicted node closes its clients, as going away")
        .isEqualTo(1001);
    Member rejoined = member(2, room, "ff");
    a.await(frame("presence", "room", room, "user", "ff", "state", "joined"), Member.WAIT, "ff back");
    a.request("message", "\"room\":\"" + room + "\",\"text\":\"marker\"");
    for (Member m : List.of(b, rejoined)) {
      m.await(frame("message", "text", "marker"), Member.WAIT, "the marker");
    }
    for (Member m : List.of(a, b)) {
      assertThat(count(m, left(room, "ff"))).as("%s told ff left", m).isEqualTo(1);
      assertThat(count(m, leftNotice(room, "ff"))).as("%s's notices that ff left", m).isEqualTo(1);
      assertThat(count(m, frame("presence", "room", room, "user", "ff", "state", "joined")))
          .as("%s told ff joined: at first, and when back", m).isEqualTo(2);
    }
  }

  @Test
  void redisRestartedWithItsData_requestsFailQuicklyMeanwhile_thenChatGoesOnOnTheSameConnections() throws Exception {
    String room = "persisted";
    Member a = member(0, room, "pa");
    Member b = member(1, room, "pb");
    Member c = member(2, room, "pc");

    redis.kill();
    try {
      assertUnavailable(a, "message", "\"room\":\"" + room + "\",\"text\":\"lost\"");
      assertUnavailable(b, "join", "\"room\":\"elsewhere\"");
    } finally {
      redis.startAgain();
    }
    for (Member m : List.of(a, b, c)) {
      assertThat(m.client.isClosed()).as("%s's connection stays up", m).isFalse();
    }
    awaitDelivered(a, room, "back again", List.of(b, c));
    JsonObject members = c.request("members", "\"room\":\"" + room + "\"");
    assertThat(members.getAsJsonArray("members").toString()).isEqualTo("[\"pa\",\"pb\",\"pc\"]");
  }

  @Test
  void redisRestartedWithoutItsData_requestsFailQuicklyMeanwhile_thenClientsAreToldToReconnect_andChatWorks()
      throws Exception {
    String room = "forgotten";
    List<Member> members = List.of(member(0, room, "na"), member(1, room, "nb"), member(2, room, "nc"));

    redis.kill();
    try {
      assertUnavailable(members.get(0), "message", "\"room\":\"" + room + "\",\"text\":\"lost\"");
      assertUnavailable(members.get(1), "join", "\"room\":\"elsewhere\"");
      for (Member m : members) {
        assertThat(m.client.isClosed()).as("%s's connection stays up while Redis is down", m).isFalse();
      }
      redis.forgetData();
    } finally {
      redis.startAgain();
    }
    for (Member m : members) {
      assertThat(m.client.awaitClose(Duration.ofSeconds(20))).as("%s is told to reconnect", m).isEqualTo(1001);
    }
    List<Member> again = new ArrayList<>();
    for (int node = 0; node < 3; node++) {
      again.add(reconnect(node, members.get(node).name, room));
    }
    awaitDelivered(again.get(0), room, "after the loss", again.subList(1, 3));
  }

  /**
   * Redis lost one room's keys (evicted under {@code maxmemory}, say) and nothing else: the nodes
   * that follow the room reset it at their next position check, so its members are told to
   * reconnect; and a client that was away when messages were sent before the loss is not told it
   * recovered from what is left: it gets {@code recovered: false}, and the store still has them.
   */
  @Test
  void aRoomWhoseKeysRedisLost_isReset_andNoClientRecoversAcrossTheLoss() throws Exception {
    String room = "evicted";
    Member a = member(0, room, "ea");
    Member b = member(1, room, "eb");
    Member away = member(2, room, "ew");
    a.request("message", "\"room\":\"" + room + "\",\"text\":\"seen\"");
    String lastSeen = string(away.await(frame("message", "text", "seen"), Member.WAIT, "seen")
        .getAsJsonObject("message"), "id");
    away.close(); // its client went away
    b.await(left(room, "ew"), Member.WAIT, "ew leaving");
    a.request("message", "\"room\":\"" + room + "\",\"text\":\"missed\"");
    b.await(frame("message", "text", "missed"), Member.WAIT, "missed");

    for (String key : List.of("meta", "log", "msgs")) {
      assertThat(redis.command("DEL", "parley:room:" + room + ":" + key).trim()).as("deleted %s", key).isEqualTo(":1");
    }
    for (Member m : List.of(a, b)) {
      assertThat(m.client.awaitClose(Duration.ofSeconds(20))).as("%s is told to reload the room", m).isEqualTo(1001);
    }

    Member back = track(Member.connect(port(1), "ew", false));
    JsonObject joined = back.join(room, lastSeen);
    assertThat(joined.get("recovered").getAsBoolean()).as("the log lost what ew missed: %s", joined).isFalse();
    JsonObject page = back.request("history", "\"room\":\"" + room + "\"");
    assertThat(page.toString()).as("the shared store kept what ew missed").contains("\"text\":\"missed\"");
  }

  /**
   * Connects and joins as a client told to reconnect does: again, with a pause, while the node is
   * still finding out that Redis lost it (CLUSTER_UNAVAILABLE, or its eviction closes the new
   * connection too), until it holds.
   */
  private Member reconnect(int node, String name, String room) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    for (;;) {
      Member m = track(Member.connect(port(node), name, false));
      JsonObject reply = m.requestUnlessClosed("join", "\"room\":\"" + room + "\",\"username\":\"" + name + "\"");
      // A join that held came after the eviction: the node claims only once it is registered again.
      if (reply != null && "joined".equals(type(reply)) && !m.client.isClosed()) {
        return m;
      }
      assertThat(System.nanoTime()).as("%s rejoined on node %s; last: %s", name, node, reply).isLessThan(deadline);
      m.close();
      m.find(f -> false, Duration.ofMillis(250));
    }
  }

  /** The request fails with CLUSTER_UNAVAILABLE, quickly. */
  private static void assertUnavailable(Member m, String type, String fields) throws Exception {
    long start = System.nanoTime();
    JsonObject reply = m.request(type, fields);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("how long %s took to fail", type)
        .isLessThan(Duration.ofSeconds(5));
    assertThat(type(reply)).as("%s", reply).isEqualTo("error");
    assertThat(string(reply, "code")).isEqualTo("CLUSTER_UNAVAILABLE");
  }

  /** Sends until a message goes through (the nodes reconnect to Redis), then checks that the others got it. */
  private static void awaitDelivered(Member from, String room, String text, List<Member> to) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    for (;;) {
      JsonObject reply = from.request("message", "\"room\":\"" + room + "\",\"text\":\"" + text + "\"");
      if ("ack".equals(type(reply))) {
        break;
      }
      assertThat(System.nanoTime()).as("a message went through once Redis was back; last: %s", reply)
          .isLessThan(deadline);
      from.find(f -> false, Duration.ofMillis(250)); // the nodes reconnect within Lettuce's backoff
    }
    for (Member m : to) {
      m.await(frame("message", "room", room, "text", text), Member.WAIT, text);
      assertThat(count(m, frame("message", "room", room, "text", text))).isEqualTo(1);
    }
  }
}
