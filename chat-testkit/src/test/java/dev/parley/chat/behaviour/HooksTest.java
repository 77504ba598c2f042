package dev.parley.chat.behaviour;

import dev.parley.chat.MessageDecision;
import dev.parley.chat.Decision;
import dev.parley.chat.ClearHistoryDecision;
import dev.parley.chat.*;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.CloseCodes;
import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.testkit.ChatTestKit;
import dev.parley.chat.testkit.TestClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Hooks accept, reject, rewrite or handle; they see the handshake and decide identity. */
class HooksTest {

  @Test
  void connectHook_seesTheHandshakeAndCanReject() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.onConnect(h ->
        h.query("token").filter("secret"::equals).isPresent()
            ? ConnectDecision.accept()
            : ConnectDecision.reject("A valid token is required")))) {
      TestClient refused = kit.open(new Handshake("10.0.0.1:5000", "/chat", Map.of("token", List.of("nope")), Map.of()));

      ServerEvent.Error error = refused.takeError();
      assertThat(error.code()).isEqualTo(ErrorCodes.CONNECTION_REJECTED);
      assertThat(error.message()).isEqualTo("A valid token is required");
      assertThat(refused.awaitClose()).isEqualTo(CloseCodes.POLICY_VIOLATION);

      TestClient accepted = kit.connect(new Handshake("10.0.0.2:5000", "/chat", Map.of("token", List.of("secret")), Map.of()));
      accepted.join("lobby", "alice");
      assertThat(accepted.take(ServerEvent.Joined.class).user()).isEqualTo("alice");
    }
  }

  @Test
  void connectHook_thatThrows_refusesTheConnection() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.onConnect(h -> {
      throw new IllegalStateException("auth service down");
    }))) {
      TestClient refused = kit.open(Handshake.empty());
      assertThat(refused.takeError().code()).isEqualTo(ErrorCodes.CONNECTION_REJECTED);
      assertThat(refused.awaitClose()).isEqualTo(CloseCodes.POLICY_VIOLATION);
    }
  }

  @Test
  void connectHook_decidesIdentity_whichSeveralConnectionsMayShare() {
    try (ChatTestKit kit = ChatTestKit.create(b ->
        b.onConnect(h -> ConnectDecision.acceptAs(h.header("X-User").orElseThrow())))) {
      Handshake asAlice = new Handshake("", "/chat", Map.of(), Map.of("x-user", List.of("alice")));
      TestClient tab1 = kit.open(asAlice);
      assertThat(tab1.take(ServerEvent.Welcome.class).user()).isEqualTo("alice");
      tab1.join("lobby", "mallory");
      assertThat(tab1.takeError().code()).isEqualTo(ErrorCodes.USERNAME_MISMATCH);
      tab1.join("lobby");
      assertThat(tab1.take(ServerEvent.Joined.class).user()).isEqualTo("alice");

      TestClient tab2 = kit.connect(asAlice);
      TestClient bob = kit.connect(new Handshake("", "/chat", Map.of(), Map.of("X-USER", List.of("bob"))));
      bob.join("lobby").take(ServerEvent.Joined.class);
      tab1.takeUntil(ServerEvent.Message.class);

      bob.sendPrivate("alice", "to both tabs");

      assertThat(tab1.takeMessage().text()).isEqualTo("to both tabs");
      assertThat(tab2.takeMessage().text()).isEqualTo("to both tabs");
    }
  }

  @Test
  void joinHook_canRejectWithItsOwnCode() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.onJoin(j ->
        j.room().equals("vip") ? Decision.reject("VIP_ONLY", "Members only") : Decision.accept()))) {
      TestClient alice = kit.connect();
      alice.request(new ClientRequest.Join("j1", "vip", "alice"));

      assertThat(alice.takeError()).isEqualTo(new ServerEvent.Error("j1", "VIP_ONLY", "Members only"));
      assertThat(kit.server().members("vip")).isEmpty();
      alice.join("lobby").take(ServerEvent.Joined.class);
    }
  }

  @Test
  void joinHook_canGreetTheJoiner() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.onJoin(j -> {
      j.reply("Welcome to " + j.room() + ", " + j.user());
      return Decision.accept();
    }))) {
      TestClient alice = kit.connect().join("lobby", "alice");

      ChatMessage greeting = alice.takeMessage();
      assertThat(greeting.kind()).isEqualTo(MessageKind.NOTICE);
      assertThat(greeting.text()).isEqualTo("Welcome to lobby, alice");
      alice.take(ServerEvent.Joined.class);
    }
  }

  @Test
  void messageHook_canRejectRewriteOrHandle() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.onMessage(m -> {
      String text = m.message().text();
      if (text.contains("spam")) {
        return MessageDecision.reject("SPAM", "No spam please");
      }
      if (text.equals("/who")) {
        m.reply("Online: " + m.server().onlineUsers());
        return MessageDecision.handled();
      }
      return MessageDecision.rewrite(text.replace("darn", "****"), Map.of("filtered", true));
    }))) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = kit.joined("lobby", "bob");
      alice.takeUntil(ServerEvent.Message.class);

      alice.send("lobby", "buy spam");
      assertThat(alice.takeError().code()).isEqualTo("SPAM");

      alice.request(new ClientRequest.Send("w", "lobby", "/who", null));
      assertThat(alice.takeMessage().text()).isEqualTo("Online: [alice, bob]");
      assertThat(alice.take(ServerEvent.Ack.class).message()).isNull();

      alice.send("lobby", "darn it");
      ChatMessage m = bob.takeMessage();
      assertThat(m.text()).isEqualTo("**** it");
      assertThat(m.data()).containsEntry("filtered", true);
      bob.assertNoMoreEvents();
      assertThat(kit.server().history("lobby")).extracting(ChatMessage::text).contains("**** it").doesNotContain("buy spam", "/who");
    }
  }

  @Test
  void messageHook_seesPrivateMessagesToo() {
    List<ChatMessage> seen = new CopyOnWriteArrayList<>();
    try (ChatTestKit kit = ChatTestKit.create(b -> b.onMessage(m -> {
      seen.add(m.message());
      return MessageDecision.accept();
    }))) {
      TestClient alice = kit.joined("lobby", "alice");
      kit.joined("lobby", "bob");

      alice.send("lobby", "@bob secret");

      assertThat(seen).singleElement().satisfies(m -> {
        assertThat(m.kind()).isEqualTo(MessageKind.PRIVATE);
        assertThat(m.recipient()).isEqualTo("bob");
        assertThat(m.sender()).isEqualTo("alice");
      });
    }
  }

  @Test
  void aHookThatThrows_refusesWithInternalErrorAndTheServerKeepsWorking() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.onMessage(m -> {
      if (m.message().text().equals("boom")) {
        throw new IllegalStateException("bug");
      }
      return MessageDecision.accept();
    }))) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = kit.joined("lobby", "bob");
      alice.takeUntil(ServerEvent.Message.class);

      alice.send("lobby", "boom");
      assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.INTERNAL_ERROR);
      bob.assertNoMoreEvents();

      alice.send("lobby", "fine");
      assertThat(bob.takeMessage().text()).isEqualTo("fine");
    }
  }

  @Test
  void leaveAndDisconnectHooks_areToldAfterTheFact() {
    List<String> events = new CopyOnWriteArrayList<>();
    try (ChatTestKit kit = ChatTestKit.create(b -> b
        .onLeave(l -> events.add("left " + l.room() + " " + l.user()))
        .onDisconnect(d -> events.add("gone " + d.connection().user())))) {
      TestClient alice = kit.joined("lobby", "alice");
      alice.join("kitchen").take(ServerEvent.Joined.class);

      alice.leave("lobby");
      alice.take(ServerEvent.Left.class);
      alice.disconnect();

      assertThat(events).containsExactly("left lobby alice", "left kitchen alice", "gone alice");
    }
  }

  @Test
  void connectHook_returningNull_accepts() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.onConnect(h -> null))) {
      kit.connect().join("lobby", "alice").take(ServerEvent.Joined.class);
    }
  }

  @Test
  void connectHook_identityAlreadyChosenByAnotherClient_refusesTheConnection() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.onConnect(h ->
        h.header("x-user").map(ConnectDecision::acceptAs).orElse(ConnectDecision.accept())))) {
      kit.connect().join("lobby", "alice").take(ServerEvent.Joined.class);

      TestClient claimed = kit.open(new Handshake("", "/chat", Map.of(), Map.of("x-user", List.of("alice"))));

      assertThat(claimed.takeError().code()).isEqualTo(ErrorCodes.CONNECTION_REJECTED);
      assertThat(claimed.awaitClose()).isEqualTo(CloseCodes.POLICY_VIOLATION);
    }
  }

  @Test
  void aRewriteIsCheckedLikeTheClientsText() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(ChatConfig.builder().maxMessageLength(10).build())
        .onMessage(m -> MessageDecision.rewrite(m.message().text().repeat(5))))) {
      TestClient alice = kit.joined("lobby", "alice");

      alice.send("lobby", "abcd");

      assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.MESSAGE_TOO_LONG);
    }
  }

  @Test
  void aRewriteWithDataThatIsNotJson_failsWithInternalError() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.onMessage(m -> MessageDecision.rewrite("x", Map.of("when", new Object()))))) {
      TestClient alice = kit.joined("lobby", "alice");

      alice.send("lobby", "hi");

      assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.INTERNAL_ERROR);
      alice.send("lobby", "the connection still works");
      assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.INTERNAL_ERROR);
    }
  }

  @Test
  void connectionData_isKeptWithTheConnectionForLaterHooks_andGoesWithIt() {
    java.util.List<Object> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (ChatTestKit kit = ChatTestKit.create(b -> b
        .onJoin(j -> {
          j.server().connectionData(j.connection().id()).orElseThrow().merge("joins", 1, (x, y) -> (Integer) x + (Integer) y);
          return Decision.accept();
        })
        .onMessage(m -> {
          seen.add(m.server().connectionData(m.connection().id()).orElseThrow().get("joins"));
          return MessageDecision.accept();
        }))) {
      TestClient alice = kit.joined("lobby", "alice");
      alice.join("kitchen", "alice").take(ServerEvent.Joined.class);
      TestClient bob = kit.joined("lobby", "bob");
      alice.send("lobby", "one");
      bob.send("lobby", "two");
      alice.takeUntil(ServerEvent.Message.class); // bob's message has been handled
      assertThat(seen).containsExactly(2, 1);

      String id = alice.connectionId();
      assertThat(kit.server().connectionData(id)).hasValueSatisfying(d -> assertThat(d).containsEntry("joins", 2));
      alice.disconnect();
      assertThat(kit.server().connectionData(id)).as("gone with the connection").isEmpty();
      assertThat(kit.server().connectionData("no-such-connection")).isEmpty();
    }
  }

  @Test
  void clearHookReturningHandled_clearsNothing() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.onClearHistory(c -> ClearHistoryDecision.handled()))) {
      TestClient alice = kit.joined("lobby", "alice");
      alice.send("lobby", "keep");

      alice.clearHistory("lobby");

      alice.assertNoMoreEvents();
      assertThat(kit.server().history("lobby")).extracting(ChatMessage::text).contains("keep");

      // With a request id the requester is answered all the same: the request is done.
      alice.request(new ClientRequest.ClearHistory("c1", "lobby"));
      assertThat(alice.take(ServerEvent.Cleared.class)).isEqualTo(new ServerEvent.Cleared("c1", "lobby"));
      alice.assertNoMoreEvents();
    }
  }

  @Test
  void aHookThrowingAnError_isRefusedLikeAnException() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.onMessage(m -> {
      throw new AssertionError("bug in a hook (expected by this test)");
    }))) {
      TestClient alice = kit.joined("lobby", "alice");
      alice.send("lobby", "x");
      assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.INTERNAL_ERROR);
    }
  }

  @Test
  void eachHookMayBeSetOnce() {
    ChatServer.Builder builder = ChatServer.builder().onMessage(m -> MessageDecision.accept());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder.onMessage(m -> MessageDecision.accept()))
        .isInstanceOf(IllegalStateException.class);
  }
}
