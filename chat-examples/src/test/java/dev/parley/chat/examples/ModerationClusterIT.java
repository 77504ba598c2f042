package dev.parley.chat.examples;

import static dev.parley.chat.examples.Member.frame;
import static dev.parley.chat.examples.Member.string;
import static dev.parley.chat.examples.Member.type;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.parley.chat.cluster.redis.RedisProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Typing and moderation across two {@link ModeratedServer} processes (separate JVMs) on a private
 * Redis and a fresh PostgreSQL database, over the JSON protocol: what a moderator on one node does
 * reaches a user on the other at once, and bans and mutes outlive a restart of that node.
 */
class ModerationClusterIT {
  private static final List<String> JVM = List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private RedisProcess redis;
  private String database;
  private final ExampleProcess[] nodes = new ExampleProcess[2];
  private final List<Member> members = new ArrayList<>();

  @BeforeEach
  void startCluster() throws Exception {
    redis = RedisProcess.start(false);
    database = "parley_mod_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    ThreeNodes.admin("CREATE DATABASE " + database);
    List<CompletableFuture<Void>> starting = new ArrayList<>();
    for (int i = 0; i < nodes.length; i++) {
      int n = i;
      starting.add(CompletableFuture.runAsync(() -> start(n)));
    }
    CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).join();
  }

  private void start(int node) {
    try {
      nodes[node] = ExampleProcess.startMain("moderated" + node, ModeratedServer.class, JVM,
          "--redis-url", redis.uri(), "--history-url", "jdbc:postgresql://127.0.0.1:5432/" + database + "?user=postgres");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stopCluster() throws Exception {
    for (Member m : members) {
      m.close();
    }
    for (ExampleProcess node : nodes) {
      if (node != null) {
        node.close();
      }
    }
    if (redis != null) {
      redis.close();
    }
    ThreeNodes.admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
  }

  private Member joined(int node, String room, String name) throws Exception {
    Member m = Member.joined(nodes[node].port(), room, name);
    members.add(m);
    return m;
  }

  private Member connected(int node, String name) throws Exception {
    Member m = Member.connect(nodes[node].port(), name, false);
    members.add(m);
    return m;
  }

  private static JsonObject moderate(Member mod, String fields) throws Exception {
    return mod.request("moderate", "\"room\":\"lobby\"," + fields);
  }

  private static void assertError(JsonObject reply, String code) {
    assertThat(type(reply)).as("%s", reply).isEqualTo("error");
    assertThat(string(reply, "code")).as("%s", reply).isEqualTo(code);
  }

  @Test
  void typingKicksMutesAndBansReachAUserOnAnotherNode_andBansAndMutesOutliveItsRestart() throws Exception {
    Member mod = joined(0, "lobby", "moderator");
    Member bob = joined(1, "lobby", "bob");
    Member carol = joined(1, "lobby", "carol");

    // Typing crosses nodes, and is never an answer to anything.
    bob.client.send("{\"type\":\"typing\",\"room\":\"lobby\"}");
    JsonObject typing = mod.await(frame("typing", "user", "bob"), Member.WAIT, "bob typing");
    assertThat(string(typing, "state")).isEqualTo("started");
    assertThat(string(typing, "room")).isEqualTo("lobby");

    // A user who is no moderator is refused by the hook.
    assertError(carol.request("moderate", "\"room\":\"lobby\",\"user\":\"bob\",\"action\":\"kick\""), "NOT_A_MODERATOR");

    // Kick: out of the room on the other node, and free to come back.
    assertThat(type(moderate(mod, "\"user\":\"bob\",\"action\":\"kick\",\"reason\":\"calm down\""))).isEqualTo("moderated");
    JsonObject kicked = bob.await(frame("kicked", "room", "lobby"), Member.WAIT, "the kick");
    assertThat(string(kicked, "reason")).isEqualTo("calm down");
    assertThat(kicked.get("banned").getAsBoolean()).isFalse();
    bob.join("lobby", null);

    // Mute: carol's messages are refused on her node as soon as the moderator has the answer.
    assertThat(type(moderate(mod, "\"user\":\"carol\",\"action\":\"mute\",\"duration\":600"))).isEqualTo("moderated");
    assertError(carol.request("message", "\"room\":\"lobby\",\"text\":\"can I speak?\""), "MUTED");
    carol.await(frame("muted", "room", "lobby"), Member.WAIT, "the mute");

    // Ban: kicked on the other node, and a join there is refused at once.
    assertThat(type(moderate(mod, "\"user\":\"bob\",\"action\":\"ban\",\"reason\":\"enough\""))).isEqualTo("moderated");
    assertThat(bob.await(frame("kicked", "banned", "true"), Member.WAIT, "the ban").get("reason").getAsString())
        .isEqualTo("enough");
    assertError(bob.request("join", "\"room\":\"lobby\",\"username\":\"bob\""), "BANNED");

    JsonObject listed = moderate(mod, "\"action\":\"list\"");
    assertThat(type(listed)).as("%s", listed).isEqualTo("restrictions");
    JsonArray restrictions = listed.getAsJsonArray("restrictions");
    assertThat(restrictions).hasSize(2);
    assertThat(string(restrictions.get(0).getAsJsonObject(), "user")).isEqualTo("bob");
    assertThat(string(restrictions.get(1).getAsJsonObject(), "user")).isEqualTo("carol");

    // A restart of their node keeps both: they were kept in the shared store.
    nodes[1].stop();
    start(1);
    Member bobAgain = connected(1, "bob");
    assertError(bobAgain.request("join", "\"room\":\"lobby\",\"username\":\"bob\""), "BANNED");
    Member carolAgain = joined(1, "lobby", "carol");
    assertError(carolAgain.request("message", "\"room\":\"lobby\",\"text\":\"and now?\""), "MUTED");

    // Lifted from the moderator's node, at once on the other.
    assertThat(type(moderate(mod, "\"user\":\"bob\",\"action\":\"unban\""))).isEqualTo("moderated");
    bobAgain.join("lobby", null);
    assertThat(type(moderate(mod, "\"user\":\"carol\",\"action\":\"unmute\""))).isEqualTo("moderated");
    assertThat(type(carolAgain.request("message", "\"room\":\"lobby\",\"text\":\"thanks\""))).isEqualTo("ack");
  }
}
