package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.ChangeAction;
import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatException;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.cluster.MessageIds;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.Decision;
import dev.parley.chat.MessageDecision;
import dev.parley.chat.history.InMemoryHistoryStore;
import dev.parley.chat.history.Retention;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ServerEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Edits and deletions: who may, who is told, what history and recovery return. */
class MessageChangeTest {
  private static final ChatConfig QUIET = ChatConfig.builder().announcePresence(false).build();

  /** Joins a second user, and takes the presence the first gets. */
  private static TestClient joinedAfter(ChatTestKit kit, TestClient first, String user) {
    TestClient client = kit.joined("lobby", user);
    first.take(ServerEvent.Presence.class);
    return client;
  }

  /** Alice sends a message with an ack; both alice and bob are in the room, their queues empty. */
  private static ChatMessage sent(TestClient alice, TestClient bob, String text) {
    alice.request(new ClientRequest.Send("s", "lobby", text, null));
    ChatMessage message = alice.take(ServerEvent.Ack.class).message();
    assertThat(bob.takeMessage()).isEqualTo(message);
    return message;
  }

  @Test
  void theSenderEditsTheirMessage_membersGetTheNewVersion_andHistoryHoldsIt() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(QUIET))) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = joinedAfter(kit, alice, "bob");
      ChatMessage original = sent(alice, bob, "helo");
      kit.clock().advance(Duration.ofSeconds(3));

      alice.request(new ClientRequest.Edit("e", "lobby", null, original.id(), "hello", Map.of("fixed", true)));

      ChatMessage acked = alice.take(ServerEvent.Ack.class).message();
      ChatMessage changed = bob.take(ServerEvent.MessageChanged.class).message();
      assertThat(changed).isEqualTo(acked);
      assertThat(changed.id()).isEqualTo(original.id());
      assertThat(changed.time()).isEqualTo(original.time());
      assertThat(changed.sender()).isEqualTo("alice");
      assertThat(changed.text()).isEqualTo("hello");
      assertThat(changed.data()).isEqualTo(Map.of("fixed", true));
      assertThat(changed.deleted()).isFalse();
      assertThat(changed.edited()).isEqualTo(kit.clock().instant());
      assertThat(changed.revision()).isGreaterThan(original.id());
      alice.assertNoMoreEvents();

      TestClient carol = kit.connect().join("lobby", "carol");
      assertThat(carol.take(ServerEvent.Joined.class).history()).containsExactly(changed);
      assertThat(kit.server().history("lobby")).containsExactly(changed);
    }
  }

  @Test
  void aDeletedMessageBecomesATombstone_keepingIdTimeAndSender() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(QUIET))) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = joinedAfter(kit, alice, "bob");
      alice.request(new ClientRequest.Send("s", "lobby", "oops", Map.of("k", 1)));
      ChatMessage original = alice.take(ServerEvent.Ack.class).message();
      bob.takeMessage();

      alice.delete("lobby", original.id());

      ChatMessage tombstone = bob.take(ServerEvent.MessageChanged.class).message();
      assertThat(alice.take(ServerEvent.Ack.class).message()).isEqualTo(tombstone);
      assertThat(tombstone.deleted()).isTrue();
      assertThat(tombstone.text()).isEmpty();
      assertThat(tombstone.data()).isEmpty();
      assertThat(tombstone.id()).isEqualTo(original.id());
      assertThat(tombstone.time()).isEqualTo(original.time());
      assertThat(tombstone.sender()).isEqualTo("alice");
      assertThat(tombstone.room()).isEqualTo("lobby");
      assertThat(tombstone.edited()).isNotNull();
      assertThat(kit.server().history("lobby")).containsExactly(tombstone);

      alice.edit("lobby", original.id(), "back again");
      assertThat(alice.takeError().code()).as("a tombstone stays one").isEqualTo(ErrorCodes.UNKNOWN_MESSAGE);
      alice.delete("lobby", original.id());
      assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.UNKNOWN_MESSAGE);
      bob.assertNoMoreEvents();
    }
  }

  @Test
  void withoutAHook_onlyTheSenderMayChangeAMessage() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(QUIET))) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = joinedAfter(kit, alice, "bob");
      ChatMessage message = sent(alice, bob, "mine");

      bob.edit("lobby", message.id(), "yours now");
      assertThat(bob.takeError().code()).isEqualTo(ErrorCodes.FORBIDDEN);
      bob.delete("lobby", message.id());
      assertThat(bob.takeError().code()).isEqualTo(ErrorCodes.FORBIDDEN);
      alice.assertNoMoreEvents();
      assertThat(kit.server().history("lobby")).containsExactly(message);
    }
  }

  @Test
  void aChangeHookMayLetModeratorsActOnOthersMessages_andRefuseOthers() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(QUIET).onChange(change ->
        change.user().equals("mod") ? Decision.accept()
            : change.action() == ChangeAction.EDIT && change.ownMessage() ? Decision.accept()
            : Decision.reject("NO_DELETE", "Only moderators delete")))) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient mod = joinedAfter(kit, alice, "mod");
      ChatMessage message = sent(alice, mod, "spam");

      alice.delete("lobby", message.id());
      ServerEvent.Error refused = alice.takeError();
      assertThat(refused.code()).isEqualTo("NO_DELETE");
      assertThat(refused.requestId()).isEqualTo("delete");

      mod.delete("lobby", message.id());
      ChatMessage tombstone = mod.take(ServerEvent.Ack.class).message();
      assertThat(alice.take(ServerEvent.MessageChanged.class).message()).isEqualTo(tombstone);
      assertThat(tombstone.sender()).as("still alice's message").isEqualTo("alice");
    }
  }

  @Test
  void theEditedTextPassesTheMessageHook_andTheLimitsOfAMessage() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(ChatConfig.builder().announcePresence(false)
        .maxMessageLength(10).build()).onMessage(m -> m.message().text().contains("darn")
            ? MessageDecision.rewrite(m.message().text().replace("darn", "****"))
            : MessageDecision.accept()))) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = joinedAfter(kit, alice, "bob");
      ChatMessage message = sent(alice, bob, "hi");

      alice.edit("lobby", message.id(), "oh darn");
      assertThat(alice.take(ServerEvent.Ack.class).message().text()).isEqualTo("oh ****");
      assertThat(bob.take(ServerEvent.MessageChanged.class).message().text()).isEqualTo("oh ****");

      alice.edit("lobby", message.id(), "far too long now");
      assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.MESSAGE_TOO_LONG);
      alice.edit("lobby", message.id(), " ");
      assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.EMPTY_MESSAGE);
      alice.edit("lobby", "006DQDPN00000", "what?");
      assertThat(alice.takeError().code()).as("before the oldest kept").isEqualTo(ErrorCodes.MESSAGE_TOO_OLD);
      alice.edit("lobby", "006H02TQS7C00", "what?");
      assertThat(alice.takeError().code()).as("no such message").isEqualTo(ErrorCodes.UNKNOWN_MESSAGE);
      alice.edit("lobby", "not an id", "what?");
      assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.BAD_REQUEST);
      alice.request(new ClientRequest.Edit("x", "elsewhere", null, message.id(), "hi", null));
      assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.NOT_IN_ROOM);
      bob.assertNoMoreEvents();
    }
  }

  @Test
  void aMessageOlderThanTheServerKeepsEditableIsRefused() {
    ChatConfig config = ChatConfig.builder().announcePresence(false).historySize(3).maxRecoveredMessages(2).build();
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(config))) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = joinedAfter(kit, alice, "bob");
      ChatMessage first = sent(alice, bob, "one");
      for (int i = 0; i < 3; i++) {
        sent(alice, bob, "more " + i);
      }

      alice.edit("lobby", first.id(), "changed");
      ServerEvent.Error refused = alice.takeError();
      assertThat(refused.code()).isEqualTo(ErrorCodes.MESSAGE_TOO_OLD);
      bob.assertNoMoreEvents();
    }
  }

  @Test
  void aClientThatRecoversLearnsOfTheEditsAndDeletionsItMissed_inTheRoomsOrder() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(QUIET))) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = joinedAfter(kit, alice, "bob");
      ChatMessage one = sent(alice, bob, "one");
      ChatMessage two = sent(alice, bob, "two");
      bob.disconnect();

      alice.edit("lobby", one.id(), "one, edited");
      ChatMessage edited = alice.takeUntil(ServerEvent.Ack.class).message();
      alice.request(new ClientRequest.Send("s", "lobby", "three", null));
      ChatMessage three = alice.takeUntil(ServerEvent.Ack.class).message();
      alice.delete("lobby", two.id());
      ChatMessage deleted = alice.take(ServerEvent.Ack.class).message();

      TestClient back = kit.connect().rejoin("lobby", "bob", two.id());
      ServerEvent.Joined joined = back.take(ServerEvent.Joined.class);
      assertThat(joined.recovered()).isTrue();
      assertThat(joined.history()).containsExactly(edited, three, deleted);

      TestClient later = kit.connect().rejoin("lobby", "carol", three.id());
      ServerEvent.Joined fromThree = later.take(ServerEvent.Joined.class);
      assertThat(fromThree.recovered()).isTrue();
      assertThat(fromThree.history()).as("only what changed after three").containsExactly(deleted);

      TestClient upToDate = kit.connect().rejoin("lobby", "dave", deleted.revision());
      assertThat(upToDate.take(ServerEvent.Joined.class).history()).as("a revision is a valid since").isEmpty();
    }
  }

  @Test
  void recoveryAfterARestartReadsTheChangesFromTheStore() {
    InMemoryHistoryStore store = new InMemoryHistoryStore(Retention.messages(1000));
    java.time.Instant stopped;
    ChatMessage one;
    ChatMessage edited;
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(QUIET).historyStore(persistent(store)))) {
      TestClient alice = kit.joined("lobby", "alice");
      alice.request(new ClientRequest.Send("s", "lobby", "one", null));
      one = alice.take(ServerEvent.Ack.class).message();
      alice.request(new ClientRequest.Send("s", "lobby", "two", null));
      alice.take(ServerEvent.Ack.class);
      alice.edit("lobby", one.id(), "uno");
      edited = alice.take(ServerEvent.Ack.class).message();
      stopped = kit.clock().instant();
    }
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(QUIET).historyStore(persistent(store)))) {
      kit.clock().set(stopped.plusSeconds(1));
      TestClient bob = kit.connect().rejoin("lobby", "bob", one.id());
      ServerEvent.Joined joined = bob.take(ServerEvent.Joined.class);
      assertThat(joined.recovered()).isTrue();
      assertThat(joined.history()).extracting(ChatMessage::text).containsExactly("two", "uno");
      assertThat(joined.history().get(1)).isEqualTo(edited);
    }
  }

  /** The store, as one that outlives the server (its close does nothing), so a restart recovers. */
  private static dev.parley.chat.history.HistoryStore persistent(InMemoryHistoryStore store) {
    return new dev.parley.chat.history.HistoryStore() {
      @Override public Retention retention() { return store.retention(); }
      @Override public boolean persistent() { return true; }
      @Override public java.util.concurrent.CompletionStage<Void> append(String s, ChatMessage m) { return store.append(s, m); }
      @Override public List<ChatMessage> before(String s, String id, int limit) { return store.before(s, id, limit); }
      @Override public List<ChatMessage> after(String s, String id, int limit) { return store.after(s, id, limit); }
      @Override public java.util.concurrent.CompletionStage<Void> change(String s, ChatMessage m) { return store.change(s, m); }
      @Override public java.util.concurrent.CompletionStage<Void> remove(String s, String id) { return store.remove(s, id); }
      @Override public void useServerClock(java.time.Clock clock) { store.useServerClock(clock); }
      @Override public void close() {}
    };
  }

  @Test
  void aPrivateMessagesSenderEditsIt_andTheRecipientIsTold() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(QUIET))) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = joinedAfter(kit, alice, "bob");
      alice.request(new ClientRequest.SendPrivate("p", "bob", "psst", null));
      ChatMessage pm = alice.takeUntil(ServerEvent.Ack.class).message();
      bob.takeMessage();
      // The pm's delivery receipt comes before or after its ack; an edit's change has none.
      ServerEvent.Delivered delivered = alice.skipped().isEmpty()
          ? alice.take(ServerEvent.Delivered.class) : (ServerEvent.Delivered) alice.skipped().get(0);
      assertThat(delivered.messageId()).isEqualTo(pm.id());

      alice.request(new ClientRequest.Edit("e", null, "bob", pm.id(), "psst!", null));
      ChatMessage edited = bob.take(ServerEvent.MessageChanged.class).message();
      assertThat(alice.take(ServerEvent.Ack.class).message()).isEqualTo(edited);
      assertThat(edited.id()).isEqualTo(pm.id());
      assertThat(edited.sender()).as("the server's, never the client's").isEqualTo("alice");
      assertThat(edited.recipient()).isEqualTo("bob");
      assertThat(edited.text()).isEqualTo("psst!");

      alice.request(new ClientRequest.Delete("d", null, "bob", pm.id()));
      assertThat(bob.take(ServerEvent.MessageChanged.class).message().deleted()).isTrue();
      assertThat(alice.take(ServerEvent.Ack.class).message().deleted()).isTrue();

      alice.request(new ClientRequest.Delete("d", "lobby", "bob", pm.id()));
      assertThat(alice.takeError().code()).as("room or recipient, not both").isEqualTo(ErrorCodes.BAD_REQUEST);
    }
  }

  @Test
  void aPrivateMessageKeptInAnInboxIsChangedOnlyByItsSender_orWhomTheHookAllows() {
    ChatConfig keeping = ChatConfig.builder().announcePresence(false).offlineMessages(true).build();
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(keeping).onChange(change ->
        change.user().equals("mod") || change.ownMessage() ? Decision.accept()
            : Decision.reject(ErrorCodes.FORBIDDEN, "Only moderators change others' messages")))) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient mallory = joinedAfter(kit, alice, "mallory");
      TestClient mod = kit.joined("lobby", "mod");
      alice.take(ServerEvent.Presence.class);
      mallory.take(ServerEvent.Presence.class);
      alice.request(new ClientRequest.SendPrivate("p", "bob", "for bob", null)); // bob is offline: kept
      ChatMessage pm = alice.take(ServerEvent.Ack.class).message();
      ChatMessage other = alice.request(new ClientRequest.SendPrivate("q", "bob", "also for bob", null))
          .take(ServerEvent.Ack.class).message();

      mallory.request(new ClientRequest.Edit("e", null, "bob", pm.id(), "forged", null));
      assertThat(mallory.takeError().code()).as("alice's, as the inbox records").isEqualTo(ErrorCodes.FORBIDDEN);
      mallory.request(new ClientRequest.Delete("d", null, "bob", pm.id()));
      assertThat(mallory.takeError().code()).isEqualTo(ErrorCodes.FORBIDDEN);
      mallory.assertNoMoreEvents();

      mod.request(new ClientRequest.Delete("d", null, "bob", other.id()));
      ChatMessage tombstone = mod.take(ServerEvent.Ack.class).message();
      assertThat(tombstone.sender()).as("still alice's message").isEqualTo("alice");
      mallory.request(new ClientRequest.Edit("e", null, "bob", other.id(), "back", null));
      assertThat(mallory.takeError().code()).as("a tombstone stays one").isEqualTo(ErrorCodes.UNKNOWN_MESSAGE);

      TestClient bob = kit.connect().join("lobby", "bob");
      assertThat(bob.takeMessage()).as("as alice sent it").isEqualTo(pm);
      assertThat(bob.takeMessage()).as("kept without its revision").isEqualTo(tombstone.toBuilder().revision(null).build());
    }
  }

  @Test
  void withoutAChangeHook_anotherUsersKeptPrivateMessageIsAnsweredAsOneNotKept_andStaysAsSent() {
    ChatConfig keeping = ChatConfig.builder().announcePresence(false).offlineMessages(true).build();
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(keeping))) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient mallory = joinedAfter(kit, alice, "mallory");
      ChatMessage pm = alice.request(new ClientRequest.SendPrivate("p", "bob", "for bob", null)) // bob is offline: kept
          .take(ServerEvent.Ack.class).message();
      ChatMessage gone = alice.request(new ClientRequest.SendPrivate("q", "bob", "second thoughts", null))
          .take(ServerEvent.Ack.class).message();
      alice.request(new ClientRequest.Delete("d", null, "bob", gone.id())).take(ServerEvent.Ack.class);
      String neverSent = MessageIds.format(MessageIds.parse(pm.id()) + 7);

      // The same answer whether the id waits in bob's inbox from alice, was deleted, or was never sent:
      // mallory learns nothing of bob's inbox.
      for (String id : List.of(pm.id(), gone.id(), neverSent)) {
        ChatMessage edited = mallory.request(new ClientRequest.Edit("e", null, "bob", id, "forged", null))
            .take(ServerEvent.Ack.class).message();
        assertThat(edited.sender()).as("taken as mallory's own").isEqualTo("mallory");
        assertThat(mallory.request(new ClientRequest.Delete("d", null, "bob", id))
            .take(ServerEvent.Ack.class).message().sender()).isEqualTo("mallory");
      }
      alice.request(new ClientRequest.Edit("e", null, "bob", gone.id(), "back", null));
      assertThat(alice.takeError().code()).as("her own deleted message").isEqualTo(ErrorCodes.UNKNOWN_MESSAGE);

      TestClient bob = kit.connect().join("lobby", "bob");
      assertThat(bob.takeMessage()).as("as alice sent it").isEqualTo(pm);
    }
  }

  @Test
  void serverCodeEditsAndDeletesAnyMessageOfARoom() {
    try (ChatTestKit kit = ChatTestKit.create(b -> b.config(QUIET))) {
      TestClient alice = kit.joined("lobby", "alice");
      TestClient bob = joinedAfter(kit, alice, "bob");
      ChatMessage message = sent(alice, bob, "hello");

      ChatMessage edited = kit.server().editMessage("lobby", message.id(), "[redacted]", null).toCompletableFuture().join();
      assertThat(edited.text()).isEqualTo("[redacted]");
      assertThat(alice.take(ServerEvent.MessageChanged.class).message()).isEqualTo(edited);
      assertThat(bob.take(ServerEvent.MessageChanged.class).message()).isEqualTo(edited);

      ChatMessage tombstone = kit.server().deleteMessage("lobby", message.id()).toCompletableFuture().join();
      assertThat(tombstone.deleted()).isTrue();
      assertThat(bob.take(ServerEvent.MessageChanged.class).message()).isEqualTo(tombstone);

      assertThatThrownBy(() -> kit.server().deleteMessage("lobby", message.id()).toCompletableFuture().join())
          .isInstanceOf(CompletionException.class)
          .cause().isInstanceOf(ChatException.class)
          .extracting(e -> ((ChatException) e).code()).isEqualTo(ErrorCodes.UNKNOWN_MESSAGE);
    }
  }
}
