package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.parley.chat.ChatConfig;
import dev.parley.chat.ConnectDecision;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.ClearHistoryDecision;
import dev.parley.chat.Decision;
import dev.parley.chat.MessageDecision;
import dev.parley.chat.spi.CloseCodes;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JSON protocol over real sockets: routing and every error code in docs/protocol.md. */
class ProtocolIT {
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private int start() {
    server = TestServer.start();
    return server.port();
  }

  @Test
  void roomMessagesReachTheRoomExceptTheSender_andStayInTheirRoom() {
    int port = start();
    try (WsClient alice = WsClient.joined(port, "lobby", "alice");
         WsClient bob = WsClient.joined(port, "lobby", "bob");
         WsClient carol = WsClient.joined(port, "kitchen", "carol")) {
      assertThat(alice.next("presence").get("user").getAsString()).isEqualTo("bob");
      assertThat(alice.nextMessage().get("text").getAsString()).isEqualTo("bob has joined");

      alice.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"hello\",\"id\":\"m1\",\"data\":{\"n\":1}}");

      JsonObject ack = alice.next("ack");
      assertThat(ack.get("id").getAsString()).isEqualTo("m1");
      JsonObject m = bob.nextMessage();
      assertThat(m).isEqualTo(ack.getAsJsonObject("message"));
      assertThat(m.get("sender").getAsString()).isEqualTo("alice");
      assertThat(m.get("kind").getAsString()).isEqualTo("room");
      assertThat(m.get("room").getAsString()).isEqualTo("lobby");
      assertThat(m.getAsJsonObject("data").get("n").getAsInt()).isEqualTo(1);
      assertThat(m.get("time").getAsLong()).isPositive();
      alice.assertNothingPending();
      carol.assertNothingPending();
    }
  }

  @Test
  void privateMessagesReachOnlyTheirRecipient() {
    int port = start();
    try (WsClient alice = WsClient.joined(port, "lobby", "alice");
         WsClient bob = WsClient.joined(port, "lobby", "bob");
         WsClient carol = WsClient.joined(port, "lobby", "carol")) {
      bob.skipTo("presence");
      bob.nextMessage();

      alice.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"@bob psst\"}");
      alice.send("{\"type\":\"private\",\"to\":\"bob\",\"text\":\"again\"}");
      alice.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"public marker\"}");

      JsonObject pm = bob.nextMessage();
      assertThat(pm.get("kind").getAsString()).isEqualTo("private");
      assertThat(pm.get("to").getAsString()).isEqualTo("bob");
      assertThat(pm.get("text").getAsString()).isEqualTo("psst");
      assertThat(bob.nextMessage().get("text").getAsString()).isEqualTo("again");
      assertThat(bob.nextMessage().get("text").getAsString()).isEqualTo("public marker");
      // Carol's first message after joining is the marker: neither private message reached her.
      assertThat(carol.nextMessage().get("text").getAsString()).isEqualTo("public marker");
    }
  }

  @Test
  void typingReachesTheRoomAsAFrameOfItsOwn_andStopsWithTheMessage() {
    int port = start();
    try (WsClient alice = WsClient.joined(port, "lobby", "alice"); WsClient bob = WsClient.joined(port, "lobby", "bob")) {
      alice.skipTo("presence");
      alice.nextMessage(); // bob has joined
      bob.send("{\"type\":\"typing\",\"room\":\"lobby\"}");
      JsonObject typing = alice.next("typing");
      assertThat(typing.get("user").getAsString()).isEqualTo("bob");
      assertThat(typing.get("room").getAsString()).isEqualTo("lobby");
      assertThat(typing.get("state").getAsString()).isEqualTo("started");
      assertThat(typing.get("expiresIn").getAsLong()).isEqualTo(6000);
      bob.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"hi\"}");
      assertThat(alice.nextMessage().get("text").getAsString()).isEqualTo("hi");
      assertThat(alice.next("typing").get("state").getAsString()).isEqualTo("stopped");
      bob.send("{\"type\":\"typing\",\"room\":\"lobby\",\"typing\":\"yes\"}");
      bob.nextError(ErrorCodes.BAD_REQUEST);
    }
  }

  @Test
  void aModeratorKicksMutesAndBans_asTheModerationHookAllows() {
    server = new TestServer(b -> b.onModerate(m -> m.user().equals("mod") ? Decision.accept()
        : Decision.reject("NOT_A_MODERATOR", "Only mod moderates")), n -> {});
    int port = server.port();
    try (WsClient mod = WsClient.joined(port, "lobby", "mod"); WsClient bob = WsClient.joined(port, "lobby", "bob")) {
      bob.send("{\"type\":\"moderate\",\"id\":\"x\",\"room\":\"lobby\",\"user\":\"mod\",\"action\":\"kick\"}");
      bob.nextError("NOT_A_MODERATOR");
      mod.send("{\"type\":\"moderate\",\"id\":\"m\",\"room\":\"lobby\",\"user\":\"bob\",\"action\":\"mute\","
          + "\"duration\":60,\"reason\":\"shh\"}");
      JsonObject moderated = mod.skipTo("moderated"); // past bob's presence and its notice
      assertThat(moderated.get("id").getAsString()).isEqualTo("m");
      assertThat(moderated.get("action").getAsString()).isEqualTo("mute");
      JsonObject muted = bob.next("muted");
      assertThat(muted.get("room").getAsString()).isEqualTo("lobby");
      assertThat(muted.get("until").getAsLong()).isGreaterThan(System.currentTimeMillis());
      bob.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"hello?\"}");
      bob.nextError(ErrorCodes.MUTED);

      mod.send("{\"type\":\"moderate\",\"room\":\"lobby\",\"user\":\"bob\",\"action\":\"ban\",\"duration\":3600}");
      JsonObject kicked = bob.next("kicked");
      assertThat(kicked.get("banned").getAsBoolean()).isTrue();
      assertThat(kicked.get("until").getAsLong()).isGreaterThan(System.currentTimeMillis());
      bob.send("{\"type\":\"join\",\"room\":\"lobby\"}");
      bob.nextError(ErrorCodes.BANNED);
      mod.send("{\"type\":\"moderate\",\"room\":\"lobby\",\"user\":\"bob\",\"action\":\"shout\"}");
      assertThat(mod.skipTo("error").get("code").getAsString()).as("past the ban's reply and bob's leave")
          .isEqualTo(ErrorCodes.BAD_REQUEST);

      mod.send("{\"type\":\"moderate\",\"id\":\"l\",\"room\":\"lobby\",\"action\":\"list\"}");
      JsonObject listed = mod.next("restrictions");
      assertThat(listed.get("id").getAsString()).isEqualTo("l");
      assertThat(listed.get("room").getAsString()).isEqualTo("lobby");
      com.google.gson.JsonArray restrictions = listed.getAsJsonArray("restrictions");
      assertThat(restrictions).hasSize(2);
      JsonObject ban = restrictions.get(0).getAsJsonObject();
      assertThat(ban.get("kind").getAsString()).isEqualTo("ban");
      assertThat(ban.get("user").getAsString()).isEqualTo("bob");
      assertThat(ban.get("until").getAsLong()).isEqualTo(kicked.get("until").getAsLong());
      JsonObject mute = restrictions.get(1).getAsJsonObject();
      assertThat(mute.get("kind").getAsString()).isEqualTo("mute");
      assertThat(mute.get("until").getAsLong()).isEqualTo(muted.get("until").getAsLong());
      assertThat(mute.get("reason").getAsString()).isEqualTo("shh");
    }
  }

  @Test
  void aReadMovesTheMarkerThatTheNextJoinAnswers_andAPrivateMessagesSenderGetsItsReceipts() {
    int port = start();
    try (WsClient alice = WsClient.joined(port, "lobby", "alice"); WsClient bob = WsClient.joined(port, "lobby", "bob")) {
      alice.skipTo("presence");
      alice.nextMessage(); // bob has joined
      alice.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"one\"}");
      alice.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"two\"}");
      String one = bob.nextMessage().get("id").getAsString();
      bob.nextMessage();
      bob.send("{\"type\":\"read\",\"room\":\"lobby\",\"through\":\"" + one + "\"}");
      bob.send("{\"type\":\"join\",\"id\":\"j\",\"room\":\"lobby\"}");
      JsonObject joined = bob.next("joined");
      assertThat(joined.get("lastRead").getAsString()).isEqualTo(one);
      assertThat(joined.get("unread").getAsInt()).isEqualTo(1);

      alice.send("{\"type\":\"private\",\"id\":\"p\",\"to\":\"bob\",\"text\":\"psst\"}");
      String id = bob.nextMessage().get("id").getAsString();
      JsonObject delivered = alice.skipTo("delivered"); // before or after the ack
      assertThat(delivered.get("messageId").getAsString()).isEqualTo(id);
      assertThat(delivered.get("to").getAsString()).isEqualTo("bob");
      assertThat(delivered.get("connection").getAsString()).matches("[0-9a-f]{16}");
      bob.send("{\"type\":\"read\",\"from\":\"alice\",\"through\":\"" + id + "\"}");
      JsonObject read = alice.skipTo("read");
      assertThat(read.get("user").getAsString()).isEqualTo("bob");
      assertThat(read.get("to").getAsString()).isEqualTo("alice");
      assertThat(read.get("through").getAsString()).isEqualTo(id);
      assertThat(read.has("room")).isFalse();
      bob.send("{\"type\":\"read\",\"id\":\"r\",\"room\":\"lobby\",\"from\":\"alice\",\"through\":\"" + id + "\"}");
      bob.nextError(ErrorCodes.BAD_REQUEST);
    }
  }

  @Test
  void theSenderEditsAndDeletesTheirMessage_theRoomGetsEditedAndDeleted_andRejoinersRecoverThem() {
    int port = start();
    try (WsClient alice = WsClient.joined(port, "lobby", "alice"); WsClient bob = WsClient.joined(port, "lobby", "bob")) {
      alice.skipTo("presence");
      alice.nextMessage(); // bob has joined
      alice.send("{\"type\":\"message\",\"id\":\"m\",\"room\":\"lobby\",\"text\":\"helo\"}");
      String id = alice.next("ack").getAsJsonObject("message").get("id").getAsString();
      bob.nextMessage();

      bob.send("{\"type\":\"edit\",\"id\":\"b\",\"room\":\"lobby\",\"message\":\"" + id + "\",\"text\":\"mine\"}");
      assertThat(bob.nextError(ErrorCodes.FORBIDDEN).get("id").getAsString()).isEqualTo("b");
      alice.send("{\"type\":\"edit\",\"id\":\"e\",\"room\":\"lobby\",\"message\":\"" + id
          + "\",\"text\":\"hello\",\"data\":{\"fixed\":true}}");
      JsonObject edited = bob.next("edited").getAsJsonObject("message");
      JsonObject ack = alice.next("ack");
      assertThat(ack.get("id").getAsString()).isEqualTo("e");
      assertThat(ack.getAsJsonObject("message")).isEqualTo(edited);
      assertThat(edited.get("id").getAsString()).isEqualTo(id);
      assertThat(edited.get("text").getAsString()).isEqualTo("hello");
      assertThat(edited.getAsJsonObject("data").get("fixed").getAsBoolean()).isTrue();
      assertThat(edited.get("edited").getAsLong()).isPositive();
      String revision = edited.get("revision").getAsString();
      assertThat(revision).isGreaterThan(id);
      assertThat(edited.has("deleted")).isFalse();

      alice.send("{\"type\":\"delete\",\"id\":\"d\",\"room\":\"lobby\",\"message\":\"" + id + "\"}");
      JsonObject deleted = bob.next("deleted").getAsJsonObject("message");
      assertThat(alice.next("ack").getAsJsonObject("message")).isEqualTo(deleted);
      assertThat(deleted.get("deleted").getAsBoolean()).isTrue();
      assertThat(deleted.get("text").getAsString()).isEmpty();
      assertThat(deleted.has("data")).isFalse();
      assertThat(deleted.get("sender").getAsString()).isEqualTo("alice");

      alice.send("{\"type\":\"edit\",\"room\":\"lobby\",\"message\":\"" + id + "\",\"text\":\"again\"}");
      alice.nextError(ErrorCodes.UNKNOWN_MESSAGE);
      alice.send("{\"type\":\"delete\",\"room\":\"lobby\",\"to\":\"bob\",\"message\":\"" + id + "\"}");
      alice.nextError(ErrorCodes.BAD_REQUEST);
      alice.send("{\"type\":\"edit\",\"room\":\"lobby\",\"message\":\"" + id + "\"}");
      alice.nextError(ErrorCodes.BAD_REQUEST);

      try (WsClient carol = WsClient.welcomed(port)) {
        carol.send("{\"type\":\"join\",\"room\":\"lobby\",\"username\":\"carol\",\"since\":\"" + revision + "\"}");
        JsonObject joined = carol.next("joined");
        assertThat(joined.get("recovered").getAsBoolean()).isTrue();
        assertThat(joined.getAsJsonArray("history")).containsExactly(deleted);
      }
    }
  }

  @Test
  void joinRepliesCarryMembersAndHistory_andClientSenderFieldsAreIgnored() {
    int port = start();
    try (WsClient alice = WsClient.joined(port, "lobby", "alice")) {
      alice.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"first\",\"sender\":\"mallory\",\"username\":\"mallory\"}");
      alice.assertNothingPending();
      try (WsClient bob = WsClient.welcomed(port)) {
        bob.send("{\"type\":\"join\",\"room\":\"lobby\",\"id\":\"j\"}");
        JsonObject joined = bob.next("joined");
        assertThat(joined.get("id").getAsString()).isEqualTo("j");
        String generated = joined.get("user").getAsString();
        assertThat(generated).matches("[A-Z][a-z]+[A-Z][a-z]+\\d*");
        assertThat(joined.getAsJsonArray("members").toString()).contains("alice", generated);
        assertThat(joined.getAsJsonArray("history")).as("alice's join notice was live only").hasSize(1);
        JsonObject first = joined.getAsJsonArray("history").get(0).getAsJsonObject();
        assertThat(first.get("text").getAsString()).isEqualTo("first");
        assertThat(first.get("sender").getAsString()).isEqualTo("alice");
      }
    }
  }

  @Test
  void leaveAndMembersRequests() {
    int port = start();
    try (WsClient alice = WsClient.joined(port, "lobby", "alice");
         WsClient bob = WsClient.joined(port, "lobby", "bob")) {
      alice.skipTo("message");
      bob.send("{\"type\":\"members\",\"room\":\"lobby\",\"id\":\"q\"}");
      JsonObject members = bob.next("members");
      assertThat(members.get("id").getAsString()).isEqualTo("q");
      assertThat(members.getAsJsonArray("members").toString()).isEqualTo("[\"alice\",\"bob\"]");

      bob.send("{\"type\":\"leave\",\"room\":\"lobby\",\"id\":\"l\"}");
      assertThat(bob.next("left").get("id").getAsString()).isEqualTo("l");
      JsonObject presence = alice.next("presence");
      assertThat(presence.get("state").getAsString()).isEqualTo("left");
      assertThat(alice.nextMessage().get("text").getAsString()).isEqualTo("bob has left");
    }
  }

  @Test
  void malformedFramesGetErrorsAndTheConnectionStays() {
    int port = start();
    try (WsClient c = WsClient.welcomed(port)) {
      c.send("{not json");
      c.nextError(ErrorCodes.BAD_REQUEST);
      c.send("[1,2]");
      c.nextError(ErrorCodes.BAD_REQUEST);
      c.send("{\"type\":\"join\"} trailing");
      c.nextError(ErrorCodes.BAD_REQUEST);
      c.send("{\"type\":\"join\",\"id\":\"x\"}");
      JsonObject missing = c.nextError(ErrorCodes.BAD_REQUEST);
      assertThat(missing.get("id").getAsString()).isEqualTo("x");
      assertThat(missing.get("message").getAsString()).contains("room");
      c.send("{\"type\":\"join\",\"room\":42}");
      c.nextError(ErrorCodes.BAD_REQUEST);
      c.send("{\"type\":\"join\",\"room\":\"a\",\"id\":\"" + "i".repeat(65) + "\"}");
      c.nextError(ErrorCodes.BAD_REQUEST);
      c.send("{\"type\":\"message\",\"room\":\"a\",\"text\":\"x\",\"data\":[1]}");
      c.nextError(ErrorCodes.BAD_REQUEST);
      c.send("{\"type\":\"join\",\"room\":\"a\",\"x\":" + "[".repeat(40) + "]".repeat(40) + "}");
      c.nextError(ErrorCodes.BAD_REQUEST);
      c.send("{\"type\":\"dance\",\"id\":\"d\"}");
      assertThat(c.nextError(ErrorCodes.UNKNOWN_TYPE).get("id").getAsString()).isEqualTo("d");
      c.sendBinary(new byte[] {1, 2, 3});
      c.nextError(ErrorCodes.BINARY_NOT_SUPPORTED);

      c.send("{\"type\":\"join\",\"room\":\"lobby\",\"username\":\"still-fine\"}");
      assertThat(c.next("joined").get("user").getAsString()).isEqualTo("still-fine");
    }
  }

  @Test
  void requestErrorCodes() {
    server = new TestServer(b -> b.config(ChatConfig.builder().maxRoomsPerConnection(2).maxMessageLength(20).build())
        .onJoin(j -> j.room().equals("vip") ? Decision.reject("Members only") : Decision.accept())
        .onMessage(m -> {
          if (m.message().text().equals("boom")) {
            throw new IllegalStateException("hook bug (expected by this test)");
          }
          return MessageDecision.accept();
        }), n -> {});
    int port = server.port();
    try (WsClient alice = WsClient.welcomed(port); WsClient bob = WsClient.joined(port, "lobby", "bob")) {
      alice.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"hi\"}");
      assertThat(alice.nextError(ErrorCodes.NOT_IN_ROOM).get("message").getAsString())
          .isEqualTo("You're not part of a room yet");
      alice.send("{\"type\":\"join\",\"room\":\"no spaces\",\"username\":\"alice\"}");
      alice.nextError(ErrorCodes.INVALID_ROOM_NAME);
      alice.send("{\"type\":\"join\",\"room\":\"lobby\",\"username\":\"<alice>\"}");
      alice.nextError(ErrorCodes.INVALID_USERNAME);
      alice.send("{\"type\":\"join\",\"room\":\"lobby\",\"username\":\"bob\"}");
      alice.nextError(ErrorCodes.USERNAME_TAKEN);
      alice.send("{\"type\":\"join\",\"room\":\"vip\",\"username\":\"alice\"}");
      alice.nextError(ErrorCodes.REJECTED);
      alice.send("{\"type\":\"join\",\"room\":\"lobby\",\"username\":\"alice\"}");
      alice.next("joined");
      alice.send("{\"type\":\"join\",\"room\":\"kitchen\",\"username\":\"alicia\"}");
      alice.nextError(ErrorCodes.USERNAME_MISMATCH);
      alice.send("{\"type\":\"join\",\"room\":\"kitchen\"}");
      alice.next("joined");
      alice.send("{\"type\":\"join\",\"room\":\"garden\"}");
      alice.nextError(ErrorCodes.TOO_MANY_ROOMS);
      alice.send("{\"type\":\"message\",\"room\":\"garden\",\"text\":\"hi\"}");
      alice.nextError(ErrorCodes.NOT_IN_ROOM);
      alice.send("{\"type\":\"private\",\"to\":\"nobody\",\"text\":\"hi\"}");
      alice.nextError(ErrorCodes.UNKNOWN_USER);
      alice.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"" + "x".repeat(21) + "\"}");
      alice.nextError(ErrorCodes.MESSAGE_TOO_LONG);
      alice.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"  \"}");
      alice.nextError(ErrorCodes.EMPTY_MESSAGE);
      alice.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"boom\"}");
      alice.nextError(ErrorCodes.INTERNAL_ERROR);
      alice.send("{\"type\":\"clear\",\"room\":\"lobby\"}");
      alice.nextError(ErrorCodes.FORBIDDEN);

      alice.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"all good\"}");
      assertThat(bob.skipTo("message").getAsJsonObject("message").get("text").getAsString()).isEqualTo("alice has joined");
      assertThat(bob.nextMessage().get("text").getAsString()).isEqualTo("all good");
    }
  }

  @Test
  void floodsAreRateLimited() {
    server = new TestServer(b -> b.config(ChatConfig.builder().requestsPerSecond(1).requestBurst(5).build()), n -> {});
    try (WsClient c = WsClient.joined(server.port(), "lobby", "alice")) {
      for (int i = 0; i < 10; i++) {
        c.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"" + i + "\",\"id\":\"" + i + "\"}");
      }
      int acks = 0;
      int limited = 0;
      for (int i = 0; i < 10; i++) {
        JsonObject f = c.next();
        if (f.get("type").getAsString().equals("ack")) {
          acks++;
        } else {
          assertThat(f.get("code").getAsString()).isEqualTo(ErrorCodes.RATE_LIMITED);
          limited++;
        }
      }
      // The burst allowed the join and four messages; a second's refill may allow one more.
      assertThat(acks).isBetween(4, 5);
      assertThat(limited).isEqualTo(10 - acks);
      assertThat(c.isOpen()).isTrue();
    }
  }

  @Test
  void requestsWaitingBehindASlowHookAreBounded() throws Exception {
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    server = new TestServer(b -> b.config(ChatConfig.builder().maxPendingRequests(2).build())
        .onMessage(m -> {
          entered.countDown();
          release.await();
          return MessageDecision.accept();
        }), n -> {});
    try (WsClient c = WsClient.joined(server.port(), "lobby", "alice")) {
      c.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"m\",\"id\":\"0\"}");
      assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("the first message is in the hook").isTrue();
      for (int i = 1; i < 4; i++) {
        c.send("{\"type\":\"message\",\"room\":\"lobby\",\"text\":\"m\",\"id\":\"" + i + "\"}");
        if (i == 0) {
          // Only once the first is inside the hook do the next ones queue behind it.
          assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
      }
      // Two may wait behind the one in the hook; the fourth is refused.
      assertThat(c.nextError(ErrorCodes.OVERLOADED).get("id").getAsString()).isEqualTo("3");
      release.countDown();
      for (int i = 0; i < 3; i++) {
        assertThat(c.next("ack").get("id").getAsString()).isEqualTo(Integer.toString(i));
      }
    }
  }

  @Test
  void clearingHistoryAllowedByAHook_tellsTheRoom() {
    server = new TestServer(b -> b.onClearHistory(c -> ClearHistoryDecision.accept()), n -> {});
    try (WsClient alice = WsClient.joined(server.port(), "lobby", "alice")) {
      alice.send("{\"type\":\"clear\",\"room\":\"lobby\"}");
      JsonObject cleared = alice.next("cleared");
      assertThat(cleared.get("by").getAsString()).isEqualTo("alice");
      assertThat(server.chat.history("lobby")).isEmpty();
    }
  }

  @Test
  void aRefusedConnectionGetsTheReasonThenClose1008() {
    server = new TestServer(b -> b.onConnect(h -> h.query("token").isPresent()
        ? ConnectDecision.acceptAs(h.query("token").get())
        : ConnectDecision.reject("Log in first")), n -> {});
    WsClient refused = WsClient.connect(server.port());
    JsonObject error = refused.nextError(ErrorCodes.CONNECTION_REJECTED);
    assertThat(error.get("message").getAsString()).isEqualTo("Log in first");
    assertThat(refused.awaitClose()).isEqualTo(CloseCodes.POLICY_VIOLATION);
    assertThat(refused.closeReason()).isEqualTo("Log in first");

    try (WsClient ok = WsClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/chat?token=carol"))) {
      assertThat(ok.next("welcome").get("user").getAsString()).isEqualTo("carol");
    }
  }

  @Test
  void serverCodeCanDisconnectAUser() {
    int port = start();
    try (WsClient alice = WsClient.joined(port, "lobby", "alice")) {
      server.chat.disconnect("alice", "Kicked by a moderator").toCompletableFuture().join();
      assertThat(alice.awaitClose()).isEqualTo(CloseCodes.DISCONNECTED_BY_SERVER);
      assertThat(alice.closeReason()).isEqualTo("Kicked by a moderator");
    }
  }
}
