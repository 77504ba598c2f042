package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatMessage;
import dev.parley.chat.ChatServer;
import dev.parley.chat.ConnectHook;
import dev.parley.chat.ConnectDecision;
import dev.parley.chat.Handshake;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.Decision;
import dev.parley.chat.cluster.MessageIds;
import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.history.InMemoryHistoryStore;
import dev.parley.chat.history.Retention;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ServerEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Read markers, unread counts on join, read receipts and delivery receipts. */
class ReceiptsTest {
  private static final ChatConfig QUIET = ChatConfig.builder().announcePresence(false).build();

  /** A server whose connect hook names each connection by its x-user header, so that a user may have several. */
  private static ChatTestKit kit(UnaryOperator<ChatConfig.Builder> config) {
    return kit(config, b -> {});
  }

  private static ChatTestKit kit(UnaryOperator<ChatConfig.Builder> config, Consumer<ChatServer.Builder> more) {
    return ChatTestKit.create(b -> {
      b.config(config.apply(QUIET.toBuilder()).build()).onConnect(BY_HEADER);
      more.accept(b);
    });
  }

  private static final ConnectHook BY_HEADER =
      h -> h.header("x-user").map(ConnectDecision::acceptAs).orElse(ConnectDecision.accept());

  /** A new connection of a user, in the lobby; its answer taken. */
  private static TestClient in(ChatTestKit kit, String user) {
    TestClient client = kit.connect(new Handshake("", "/chat", Map.of(), Map.of("x-user", List.of(user))));
    client.join("lobby", user).takeUntil(ServerEvent.Joined.class);
    return client;
  }

  /**
   * Every event a client was sent before now, presence included: the answer to a request it sends
   * now comes after them. Once another client's request was handled (see {@link #settled}),
   * everything it sent this one is among them.
   */
  private static List<ServerEvent> sentSoFar(TestClient client) {
    client.request(new ClientRequest.Members(null, "lobby"));
    client.takeUntil(ServerEvent.Members.class);
    return client.skipped();
  }

  /** Waits until the client's earlier requests were handled; returns what it was sent meanwhile. */
  private static List<ServerEvent> settled(TestClient client) {
    return sentSoFar(client);
  }

  private static List<ServerEvent.Read> reads(List<ServerEvent> events) {
    return events.stream().filter(ServerEvent.Read.class::isInstance).map(ServerEvent.Read.class::cast).toList();
  }

  /** Alice says each text in the lobby; bob, who is there, receives them all. */
  private static List<ChatMessage> say(TestClient alice, TestClient bob, String... texts) {
    for (String text : texts) {
      alice.send("lobby", text);
    }
    List<ChatMessage> got = new java.util.ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      got.add(bob.takeUntil(ServerEvent.Message.class).message());
    }
    return got;
  }

  /** Alice says hi in the lobby; each of the others receives it. Returns its id. */
  private static String hi(TestClient alice, TestClient... others) {
    alice.send("lobby", "hi");
    String id = null;
    for (TestClient other : others) {
      id = other.takeUntil(ServerEvent.Message.class).message().id();
    }
    return id;
  }

  /** The answer to a new connection's join of the lobby as the user. */
  private static ServerEvent.Joined rejoin(ChatTestKit kit, String user) {
    return kit.connect(new Handshake("", "/chat", Map.of(), Map.of("x-user", List.of(user))))
        .join("lobby", user).take(ServerEvent.Joined.class);
  }

  @Test
  void aJoinAnswersTheMarkerAndTheUnreadMessagesOfOthers_andTheMarkerNeverMovesBack() {
    try (ChatTestKit kit = kit(c -> c)) {
      TestClient alice = in(kit, "alice");
      TestClient bob = in(kit, "bob");
      List<ChatMessage> said = say(alice, bob, "one", "two", "three");
      bob.send("lobby", "bob's own");
      alice.takeUntil(ServerEvent.Message.class).message();

      ServerEvent.Joined first = rejoin(kit, "bob");
      assertThat(first.lastRead()).as("never read").isNull();
      assertThat(first.unread()).as("alice's three; bob's own does not count").isEqualTo(3);

      bob.read("lobby", said.get(1).id());
      ServerEvent.Joined after = rejoin(kit, "bob");
      assertThat(after.lastRead()).isEqualTo(said.get(1).id());
      assertThat(after.unread()).isEqualTo(1);

      bob.read("lobby", said.get(0).id());
      assertThat(reads(settled(bob))).as("no error, nothing").isEmpty();
      assertThat(bob.skipped()).noneMatch(ServerEvent.Error.class::isInstance);
      ServerEvent.Joined back = rejoin(kit, "bob");
      assertThat(back.lastRead()).as("an older id is accepted and does nothing").isEqualTo(said.get(1).id());

      ServerEvent.Joined aliceAgain = rejoin(kit, "alice");
      assertThat(aliceAgain.unread()).as("alice's marker is her own; only bob's message is of others").isEqualTo(1);
    }
  }

  @Test
  void markersAndUnreadCountsSurviveARestart_withAStoreThatDoes() {
    InMemoryHistoryStore store = new InMemoryHistoryStore(Retention.messages(1000));
    String read;
    try (ChatTestKit kit = kit(c -> c, b -> b.historyStore(store))) {
      TestClient alice = in(kit, "alice");
      TestClient bob = in(kit, "bob");
      List<ChatMessage> said = say(alice, bob, "one", "two");
      read = said.get(0).id();
      bob.read("lobby", read);
      rejoin(kit, "bob"); // a barrier: bob's read was handled before this join of his
    }
    try (ChatTestKit again = kit(c -> c, b -> b.historyStore(store))) {
      ServerEvent.Joined joined = rejoin(again, "bob");
      assertThat(joined.lastRead()).isEqualTo(read);
      assertThat(joined.unread()).isEqualTo(1);
    }
  }

  @Test
  void aMarkerGoesNoFurtherThanTheRoomHasCome() {
    try (ChatTestKit kit = kit(c -> c)) {
      TestClient alice = in(kit, "alice");
      TestClient bob = in(kit, "bob");
      List<ChatMessage> said = say(alice, bob, "one");
      bob.read("lobby", MessageIds.format(MessageIds.next(0, kit.clock().millis() + 86_400_000L)));
      assertThat(rejoin(kit, "bob").lastRead()).isEqualTo(said.get(0).id());

      say(alice, bob, "two");
      assertThat(rejoin(kit, "bob").unread()).as("what came after still counts").isEqualTo(1);
    }
  }

  @Test
  void roomReceiptsAreOffByDefault_butTheReadersOtherConnectionsLearnOfTheMarker() {
    try (ChatTestKit kit = kit(c -> c)) {
      TestClient alice = in(kit, "alice");
      TestClient bob = in(kit, "bob");
      TestClient bobsPhone = in(kit, "bob");
      String id = hi(alice, bob, bobsPhone);

      bob.read("lobby", id);

      assertThat(reads(settled(bob))).as("not to the connection that read").isEmpty();
      assertThat(reads(sentSoFar(bobsPhone))).containsExactly(new ServerEvent.Read("lobby", "bob", null, id));
      assertThat(reads(sentSoFar(alice))).as("not to the others: receipts are off").isEmpty();
    }
  }

  @Test
  void withRoomReceiptsOn_theOthersInTheRoomLearnHowFarAUserRead() {
    try (ChatTestKit kit = kit(c -> c.roomReadReceipts(true))) {
      TestClient alice = in(kit, "alice");
      TestClient bob = in(kit, "bob");
      TestClient carol = in(kit, "carol");
      String id = hi(alice, bob, carol);

      bob.read("lobby", id);

      ServerEvent.Read receipt = new ServerEvent.Read("lobby", "bob", null, id);
      assertThat(reads(settled(bob))).isEmpty();
      assertThat(reads(sentSoFar(alice))).containsExactly(receipt);
      assertThat(reads(sentSoFar(carol))).containsExactly(receipt);
    }
  }

  @Test
  void theReadHookWithholdsAReceiptPerUser_theMarkerStillMoves() {
    try (ChatTestKit kit = kit(c -> c.roomReadReceipts(true), b -> b.onRead(read ->
        read.user().equals("bob") ? Decision.reject("PRIVATE", "bob hides his receipts") : Decision.accept()))) {
      TestClient alice = in(kit, "alice");
      TestClient bob = in(kit, "bob");
      TestClient carol = in(kit, "carol");
      String id = hi(alice, bob, carol);

      bob.read("lobby", id);
      carol.read("lobby", id);

      settled(carol);
      assertThat(reads(sentSoFar(alice))).as("carol's, not bob's").extracting(ServerEvent.Read::user)
          .containsExactly("carol");
      assertThat(reads(settled(bob))).extracting(ServerEvent.Read::user).containsExactly("carol");
      assertThat(rejoin(kit, "bob").lastRead()).isEqualTo(id);
    }
  }

  @Test
  void theSenderOfAPrivateMessageLearnsOfEachConnectionItWasHandedTo_andWhenItWasRead() {
    try (ChatTestKit kit = kit(c -> c)) {
      TestClient alice = in(kit, "alice");
      TestClient bob = in(kit, "bob");
      TestClient bobsPhone = in(kit, "bob");

      alice.request(new ClientRequest.SendPrivate("p1", "bob", "psst", null));
      String id = bob.takeUntil(ServerEvent.Message.class).message().id();
      bobsPhone.takeUntil(ServerEvent.Message.class).message();
      ServerEvent.Delivered one = alice.takeUntil(ServerEvent.Delivered.class);
      ServerEvent.Delivered two = alice.takeUntil(ServerEvent.Delivered.class);
      assertThat(List.of(one.messageId(), two.messageId())).containsOnly(id);
      assertThat(List.of(one.to(), two.to())).containsOnly("bob");
      assertThat(one.connection()).isNotEqualTo(two.connection())
          .isNotEqualTo(bob.connectionId()).isNotEqualTo(bobsPhone.connectionId());
      assertThat(alice.takeUntil(ServerEvent.Ack.class).message().id()).isEqualTo(id);

      bob.readFrom("alice", id);

      ServerEvent.Read receipt = new ServerEvent.Read(null, "bob", "alice", id);
      assertThat(reads(settled(bob))).isEmpty();
      assertThat(reads(sentSoFar(alice))).containsExactly(receipt);
      assertThat(reads(sentSoFar(bobsPhone))).containsExactly(receipt);
    }
  }

  @Test
  void withDeliveryReceiptsOff_theSenderGetsOnlyTheAck_andTheRecipientStillMarksTheMessageRead() {
    try (ChatTestKit kit = kit(c -> c.deliveryReceipts(false))) {
      TestClient alice = in(kit, "alice");
      TestClient bob = in(kit, "bob");

      alice.request(new ClientRequest.SendPrivate("p1", "bob", "psst", null));
      String id = bob.takeUntil(ServerEvent.Message.class).message().id();
      assertThat(alice.takeUntil(ServerEvent.Ack.class).message().id()).isEqualTo(id);
      List<ServerEvent> beforeTheAck = alice.skipped();
      // bob's read is handled after his delivery was queued, so a receipt would come before the read's
      bob.readFrom("alice", id);

      List<ServerEvent> sent = sentSoFar(alice);
      assertThat(beforeTheAck).noneMatch(ServerEvent.Delivered.class::isInstance);
      assertThat(sent).noneMatch(ServerEvent.Delivered.class::isInstance);
      assertThat(reads(sent)).containsExactly(new ServerEvent.Read(null, "bob", "alice", id));
    }
  }

  @Test
  void aPrivateReadNeedsAConversation_aMessageFromThatUserThisConnectionWasHanded() {
    InMemoryHistoryStore store = new InMemoryHistoryStore(Retention.messages(1000));
    try (ChatTestKit kit = kit(c -> c, b -> b.historyStore(store))) {
      TestClient alice = in(kit, "alice");
      TestClient mallory = in(kit, "mallory");
      TestClient bob = in(kit, "bob");

      bob.request(new ClientRequest.Read("r", null, "mallory", "7ZZZZZZZZZZZZ"));
      assertThat(bob.takeError().code()).as("mallory sent bob nothing").isEqualTo(ErrorCodes.UNKNOWN_MESSAGE);
      assertThat(reads(settled(mallory))).as("no receipt pushed to mallory").isEmpty();
      assertThat(store.readMarker(HistoryStore.inbox("mallory"), "bob")).as("no marker row").isEmpty();

      alice.request(new ClientRequest.SendPrivate("p", "bob", "psst", null));
      String id = bob.takeUntil(ServerEvent.Message.class).message().id();
      bob.request(new ClientRequest.Read("r", null, "alice", "7ZZZZZZZZZZZZ"));
      assertThat(reads(settled(bob))).isEmpty();
      assertThat(reads(sentSoFar(alice))).as("no further than the newest bob was handed")
          .containsExactly(new ServerEvent.Read(null, "bob", "alice", id));
      assertThat(store.readMarker(HistoryStore.inbox("alice"), "bob")).contains(id);
    }
  }

  @Test
  void aPrivateMessageKeptWhileTheRecipientWasOfflineIsDeliveredWhenTheyComeBack_andTheSenderIsTold() {
    try (ChatTestKit kit = kit(c -> c.offlineMessages(true))) {
      TestClient alice = in(kit, "alice");
      alice.sendPrivate("bob", "when you're back");
      assertThat(settled(alice)).noneMatch(ServerEvent.Delivered.class::isInstance);

      TestClient bob = in(kit, "bob");

      ServerEvent.Delivered delivered = alice.take(ServerEvent.Delivered.class);
      assertThat(delivered.to()).isEqualTo("bob");
      assertThat(bob.skipped()).anySatisfy(e ->
          assertThat(((ServerEvent.Message) e).message().id()).isEqualTo(delivered.messageId()));
    }
  }

  @Test
  void aFloodOfReadsIsCutAtReadsPerSecond_withReadTooFast_untilTheClockMoves() {
    try (ChatTestKit kit = kit(c -> c.readsPerSecond(2))) {
      TestClient alice = in(kit, "alice");
      TestClient bob = in(kit, "bob");
      String id = say(alice, bob, "one").get(0).id();

      for (int i = 0; i < 4; i++) {
        bob.read("lobby", id); // a burst of twice the rate passes
      }
      bob.read("lobby", id);
      assertThat(bob.takeError().code()).isEqualTo(ErrorCodes.READ_TOO_FAST);

      kit.clock().advance(Duration.ofSeconds(1));
      bob.read("lobby", id);
      bob.read("lobby", id);
      assertThat(settled(bob)).noneMatch(ServerEvent.Error.class::isInstance);
    }
  }

  @Test
  void badReadsAreRefusedWithTheirCodes() {
    try (ChatTestKit kit = kit(c -> c)) {
      TestClient bob = in(kit, "bob");

      bob.request(new ClientRequest.Read("r1", "lobby", "alice", "0000000000001"));
      assertThat(bob.takeError()).isEqualTo(new ServerEvent.Error("r1", ErrorCodes.BAD_REQUEST,
          "A read names either a room or a user ('from')"));
      bob.request(new ClientRequest.Read("r2", "lobby", null, "not an id"));
      assertThat(bob.takeError().code()).isEqualTo(ErrorCodes.BAD_REQUEST);
      bob.request(new ClientRequest.Read("r3", "kitchen", null, "0000000000001"));
      assertThat(bob.takeError().code()).isEqualTo(ErrorCodes.NOT_IN_ROOM);
      bob.request(new ClientRequest.Read("r4", null, "no one!", "0000000000001"));
      assertThat(bob.takeError().code()).isEqualTo(ErrorCodes.INVALID_USERNAME);
    }
  }

  @Test
  void aStoreThatKeepsNoMarkersRefusesReadsWithForbidden() {
    HistoryStore plain = new PlainStore(new InMemoryHistoryStore(Retention.messages(1000)));
    try (ChatTestKit kit = kit(c -> c, b -> b.historyStore(plain))) {
      TestClient alice = in(kit, "alice");
      TestClient bob = in(kit, "bob");
      String id = say(alice, bob, "one").get(0).id();

      bob.read("lobby", id);

      assertThat(bob.takeError().code()).isEqualTo(ErrorCodes.FORBIDDEN);
      assertThat(rejoin(kit, "bob").unread()).as("counted by the default, from the oldest kept").isEqualTo(1);
    }
  }

  /** A store of the SPI's minimum: no markers, no bans. */
  private record PlainStore(HistoryStore inner) implements HistoryStore {
    @Override
    public Retention retention() {
      return inner.retention();
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> append(String stream, ChatMessage message) {
      return inner.append(stream, message);
    }

    @Override
    public List<ChatMessage> before(String stream, String beforeId, int limit) {
      return inner.before(stream, beforeId, limit);
    }

    @Override
    public List<ChatMessage> after(String stream, String afterId, int limit) {
      return inner.after(stream, afterId, limit);
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> remove(String stream, String throughId) {
      return inner.remove(stream, throughId);
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
