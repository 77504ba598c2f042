package dev.parley.chat.behaviour;

import dev.parley.chat.*;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.testkit.ChatTestKit;
import dev.parley.chat.testkit.TestClient;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a server with no hooks does: the rooms seed's behaviour. */
class RoutingTest {
  private final ChatTestKit kit = ChatTestKit.create();

  @AfterEach
  void close() {
    kit.close();
  }

  /** Connects, joins and drains everything the join produced for this and earlier members. */
  private TestClient joined(String room, String name, TestClient... earlier) {
    TestClient client = kit.joined(room, name);
    for (TestClient other : earlier) {
      other.take(ServerEvent.Presence.class);
      other.takeMessage();
    }
    return client;
  }

  @Test
  void distributeMsg_reachesTheRoomExceptTheSender() {
    TestClient alice = joined("lobby", "alice");
    TestClient bob = joined("lobby", "bob", alice);
    TestClient carol = joined("lobby", "carol", alice, bob);

    alice.send("lobby", "hello all");

    for (TestClient other : new TestClient[] {bob, carol}) {
      ChatMessage m = other.takeMessage();
      assertThat(m.kind()).isEqualTo(MessageKind.ROOM);
      assertThat(m.room()).isEqualTo("lobby");
      assertThat(m.sender()).isEqualTo("alice");
      assertThat(m.text()).isEqualTo("hello all");
      other.assertNoMoreEvents();
    }
    alice.assertNoMoreEvents();
  }

  @Test
  void rooms_areIsolated() {
    TestClient alice = joined("lobby", "alice");
    TestClient bob = joined("kitchen", "bob");

    alice.send("lobby", "only lobby");

    bob.assertNoMoreEvents();
  }

  @Test
  void atNamePrefix_sendsPrivatelyToThatUserOnly() {
    TestClient alice = joined("lobby", "alice");
    TestClient bob = joined("lobby", "bob", alice);
    TestClient carol = joined("lobby", "carol", alice, bob);

    alice.send("lobby", "@bob   are you there?");

    ChatMessage m = bob.takeMessage();
    assertThat(m.kind()).isEqualTo(MessageKind.PRIVATE);
    assertThat(m.sender()).isEqualTo("alice");
    assertThat(m.recipient()).isEqualTo("bob");
    assertThat(m.room()).isEqualTo("lobby");
    assertThat(m.text()).isEqualTo("are you there?");
    carol.assertNoMoreEvents();
    assertThat(alice.take(ServerEvent.Delivered.class).messageId()).as("the sender's receipt").isEqualTo(m.id());
    alice.assertNoMoreEvents();
  }

  @Test
  void explicitPrivateMessage_reachesEveryConnectionOfTheUser_evenOutsideSharedRooms() {
    TestClient alice = joined("lobby", "alice");
    TestClient bob = joined("kitchen", "bob");

    alice.sendPrivate("bob", "psst");

    ChatMessage m = bob.takeMessage();
    assertThat(m.kind()).isEqualTo(MessageKind.PRIVATE);
    assertThat(m.room()).isNull();
    assertThat(m.text()).isEqualTo("psst");
  }

  @Test
  void privateRequestFromARoom_isTheAtNamePrefixWithoutTheText_andNeedsTheRoom() {
    TestClient alice = joined("lobby", "alice");
    TestClient bob = joined("kitchen", "bob");

    // A name the @name grammar could not carry ("bo b") is not read as a room message either.
    alice.request(new ClientRequest.SendPrivate("p1", "bob", "  from the lobby", Map.of("n", 1L), "lobby"));
    ChatMessage m = bob.takeMessage();
    assertThat(m.kind()).isEqualTo(MessageKind.PRIVATE);
    assertThat(m.room()).isEqualTo("lobby");
    assertThat(m.text()).isEqualTo("  from the lobby");
    assertThat(m.data()).isEqualTo(Map.of("n", 1L));
    assertThat(alice.takeUntil(ServerEvent.Ack.class).message().id()).isEqualTo(m.id());
    assertThat(alice.skipped()).as("a delivery receipt may come first")
        .allMatch(e -> e instanceof ServerEvent.Delivered d && d.messageId().equals(m.id()));

    alice.request(new ClientRequest.SendPrivate("p2", "bo b", "hi", null, "lobby"));
    assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.UNKNOWN_USER);
    alice.request(new ClientRequest.SendPrivate("p3", "bob", "hi", null, "kitchen"));
    assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.NOT_IN_ROOM);
    bob.assertNoMoreEvents();
  }

  @Test
  void privateMessageToUnknownUser_isAnErrorAndTheServerKeepsWorking() {
    TestClient alice = joined("lobby", "alice");
    TestClient bob = joined("lobby", "bob", alice);

    alice.send("lobby", "@nobody hi");
    ServerEvent.Error error = alice.takeError();
    assertThat(error.code()).isEqualTo(ErrorCodes.UNKNOWN_USER);
    assertThat(error.message()).contains("nobody");

    alice.send("lobby", "still here");
    assertThat(bob.takeMessage().text()).isEqualTo("still here");
  }

  @Test
  void messageBeforeJoining_isRefusedWithTheSeedsWording() {
    TestClient alice = kit.connect();
    alice.send("lobby", "hello?");

    ServerEvent.Error error = alice.takeError();
    assertThat(error.code()).isEqualTo(ErrorCodes.NOT_IN_ROOM);
    assertThat(error.message()).isEqualTo("You're not part of a room yet");
  }

  @Test
  void messageToARoomNotJoined_isRefused() {
    TestClient alice = joined("lobby", "alice");
    joined("kitchen", "bob");

    alice.send("kitchen", "let me in");

    assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.NOT_IN_ROOM);
  }

  @Test
  void joinAndLeave_areAnnouncedWithPresenceAndNotices() {
    TestClient alice = joined("lobby", "alice");
    TestClient bob = kit.connect();
    bob.join("lobby", "bob");

    ServerEvent.Joined joined = bob.take(ServerEvent.Joined.class);
    assertThat(joined.user()).isEqualTo("bob");
    assertThat(joined.members()).containsExactly("alice", "bob");
    assertThat(alice.take(ServerEvent.Presence.class)).isEqualTo(new ServerEvent.Presence("lobby", "bob", true));
    ChatMessage notice = alice.takeMessage();
    assertThat(notice.kind()).isEqualTo(MessageKind.NOTICE);
    assertThat(notice.sender()).isNull();
    assertThat(notice.text()).isEqualTo("bob has joined");
    bob.assertNoMoreEvents();

    bob.request(new ClientRequest.Leave("l1", "lobby"));
    assertThat(bob.take(ServerEvent.Left.class)).isEqualTo(new ServerEvent.Left("l1", "lobby"));
    assertThat(alice.take(ServerEvent.Presence.class)).isEqualTo(new ServerEvent.Presence("lobby", "bob", false));
    assertThat(alice.takeMessage().text()).isEqualTo("bob has left");
  }

  @Test
  void disconnect_isAnnouncedAndFreesTheUsername() {
    TestClient alice = joined("lobby", "alice");
    TestClient bob = joined("lobby", "bob", alice);

    bob.disconnect();

    assertThat(alice.take(ServerEvent.Presence.class).joined()).isFalse();
    assertThat(alice.takeMessage().text()).isEqualTo("bob has left");
    assertThat(kit.server().onlineUsers()).containsExactly("alice");
    TestClient bobAgain = kit.connect();
    bobAgain.join("lobby", "bob");
    assertThat(bobAgain.take(ServerEvent.Joined.class).user()).isEqualTo("bob");
  }

  @Test
  void presenceAnnouncements_canBeTurnedOff() {
    try (ChatTestKit quiet = ChatTestKit.create(b -> b.config(ChatConfig.builder().announcePresence(false).build()))) {
      TestClient alice = quiet.connect().join("lobby", "alice");
      alice.take(ServerEvent.Joined.class);
      quiet.connect().join("lobby", "bob");

      assertThat(alice.take(ServerEvent.Presence.class).user()).isEqualTo("bob");
      alice.assertNoMoreEvents();
      assertThat(quiet.server().history("lobby")).isEmpty();
    }
  }

  @Test
  void aUserMayBeInSeveralRooms() {
    TestClient alice = kit.connect();
    alice.join("lobby", "alice").take(ServerEvent.Joined.class);
    alice.join("kitchen").take(ServerEvent.Joined.class);
    TestClient bob = joined("kitchen", "bob", alice);

    alice.send("kitchen", "in the kitchen");

    assertThat(bob.takeMessage().room()).isEqualTo("kitchen");
    assertThat(kit.server().members("lobby")).containsExactly("alice");
    assertThat(kit.server().members("kitchen")).containsExactly("alice", "bob");
  }

  @Test
  void membersRequest_listsTheRoom() {
    TestClient alice = joined("lobby", "alice");
    joined("lobby", "bob", alice);

    alice.request(new ClientRequest.Members("m", "lobby"));

    assertThat(alice.take(ServerEvent.Members.class))
        .isEqualTo(new ServerEvent.Members("m", "lobby", java.util.List.of("alice", "bob")));
    alice.members("kitchen");
    assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.NOT_IN_ROOM);
  }

  @Test
  void ack_carriesTheStampedMessageBackToTheSender() {
    TestClient alice = joined("lobby", "alice");

    alice.request(new ClientRequest.Send("req-7", "lobby", "hi", Map.of("mood", "happy")));

    ServerEvent.Ack ack = alice.take(ServerEvent.Ack.class);
    assertThat(ack.requestId()).isEqualTo("req-7");
    assertThat(ack.message().sender()).isEqualTo("alice");
    assertThat(ack.message().data()).containsEntry("mood", "happy");
    assertThat(ack.message().time()).isEqualTo(kit.clock().instant());
  }

  @Test
  void messageIds_areUniqueAndIncreasing() {
    TestClient alice = joined("lobby", "alice");
    TestClient bob = joined("lobby", "bob", alice);

    String previous = "";
    for (int i = 0; i < 50; i++) {
      alice.send("lobby", "m" + i);
      ChatMessage m = bob.takeMessage();
      assertThat(m.text()).isEqualTo("m" + i);
      assertThat(m.id()).isGreaterThan(previous);
      previous = m.id();
      kit.clock().advance(java.time.Duration.ofMillis(100));
    }
  }
}
