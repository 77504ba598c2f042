package dev.parley.chat.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatException;
import dev.parley.chat.ChatServer;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.MessageKind;
import dev.parley.chat.spi.CloseCodes;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.testkit.ChatTestKit;
import dev.parley.chat.testkit.TestClient;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server's actions and queries, called on one node, act on and answer for the whole cluster:
 * two chat servers in this JVM on one private Redis. (Nodes as separate processes, and what happens
 * when one dies, are chat-examples' ClusterIT and ClusterFailureIT.)
 */
class ServerActionsAcrossNodesTest extends RedisTest {
  private ChatTestKit a;
  private ChatTestKit b;
  private TestClient alice;

  @BeforeEach
  void twoNodesAndAliceOnTheFirst() {
    a = node();
    b = node();
    alice = a.connect().join("lobby", "alice");
    alice.take(ServerEvent.Joined.class);
  }

  @AfterEach
  void closeServers() {
    a.close();
    b.close();
  }

  private ChatTestKit node() {
    return ChatTestKit.create(builder -> builder.clock(Clock.systemUTC())
        .cluster(RedisClusterEngine.create(nodes.config())));
  }

  @Test
  void queriesAnswerForTheCluster() {
    ChatServer other = b.server();

    assertThat(other.rooms()).contains("lobby");
    assertThat(other.members("lobby")).containsExactly("alice");
    assertThat(other.onlineUsers()).containsExactly("alice");
  }

  @Test
  void roomActionsOnANodeWithNobodyInTheRoomReachItsMembersElsewhere() {
    ChatServer other = b.server();

    other.distributeMsg("lobby", "bot", "from the other node").toCompletableFuture().join();
    assertThat(alice.takeMessage().text()).isEqualTo("from the other node");
    other.broadcast("lobby", "a notice").toCompletableFuture().join();
    assertThat(alice.takeMessage().kind()).isEqualTo(MessageKind.NOTICE);

    other.clearHistory("lobby").toCompletableFuture().join();
    assertThat(alice.takeUntil(ServerEvent.HistoryCleared.class).room()).isEqualTo("lobby");
    assertThat(other.history("lobby")).isEmpty();
  }

  @Test
  void userActionsReachTheUsersConnectionsOnOtherNodes() {
    ChatServer other = b.server();

    other.sendPrivate("bot", "alice", "psst").toCompletableFuture().join();
    assertThat(alice.takeMessage().text()).isEqualTo("psst");
    other.sendSystem(alice.connectionId(), "hello from elsewhere").toCompletableFuture().join();
    assertThat(alice.takeMessage().text()).isEqualTo("hello from elsewhere");

    other.disconnect("alice", "bye").toCompletableFuture().join();
    assertThat(alice.awaitClose()).isEqualTo(CloseCodes.DISCONNECTED_BY_SERVER);
  }

  @Test
  void aRoomNobodyHasIsUnknownEverywhere() {
    Throwable failure = b.server().broadcast("nowhere", "hi").toCompletableFuture()
        .handle((d, e) -> e instanceof CompletionException c ? c.getCause() : e).join();

    assertThat(failure).isInstanceOfSatisfying(ChatException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCodes.UNKNOWN_ROOM));
    assertThat(List.copyOf(b.server().rooms())).doesNotContain("nowhere");
    assertThat(Set.copyOf(a.server().onlineUsers())).containsExactly("alice");
  }
}
