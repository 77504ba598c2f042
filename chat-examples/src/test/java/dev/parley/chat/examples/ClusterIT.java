package dev.parley.chat.examples;

import static dev.parley.chat.examples.Member.frame;
import static dev.parley.chat.examples.Member.string;
import static dev.parley.chat.examples.Member.type;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Three example processes on one Redis and one PostgreSQL database behave as one chat, over the
 * JSON protocol: the guarantees of docs/cluster.md that hold while every node and Redis keep
 * running (and one subscription is killed). Each test uses rooms and names of its own.
 */
class ClusterIT extends ThreeNodes {

  private static Predicate<JsonObject> roomMessage() {
    return m -> "room".equals(string(m, "kind"));
  }

  private static Predicate<JsonObject> roomMessageFrom(Set<String> senders) {
    return m -> "room".equals(string(m, "kind")) && senders.contains(string(m, "sender"));
  }

  @Test
  void aRoomOverThreeNodesHasOneOrder_whileEveryNodeSends() throws Exception {
    String room = "order";
    int perMember = 15;
    List<Member> members = new ArrayList<>();
    for (int node = 0; node < 3; node++) {
      for (int k = 0; k < 2; k++) {
        members.add(member(node, room, "o" + node + k));
      }
    }
    List<CompletableFuture<Void>> sending = new ArrayList<>();
    for (Member m : members) {
      sending.add(CompletableFuture.runAsync(() -> {
        try {
          for (int i = 0; i < perMember; i++) {
            m.say(room, m.name + "-" + i, "s" + i);
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).join();

    Map<String, String> idOfText = new HashMap<>();
    Set<String> everyText = new HashSet<>();
    for (Member m : members) {
      for (int i = 0; i < perMember; i++) {
        JsonObject ack = m.await(frame("ack", "id", "s" + i), Member.WAIT, "the ack of message " + i);
        JsonObject msg = ack.getAsJsonObject("message");
        idOfText.put(string(msg, "text"), string(msg, "id"));
        everyText.add(m.name + "-" + i);
      }
    }
    assertThat(new HashSet<>(idOfText.values())).as("one id per message").hasSize(members.size() * perMember);
    for (Member m : members) {
      Set<String> others = new HashSet<>();
      members.stream().filter(o -> o != m).forEach(o -> others.add(o.name));
      List<JsonObject> got = m.awaitMessages(room, roomMessageFrom(others), others.size() * perMember, Member.WAIT);
      List<String> texts = got.stream().map(msg -> string(msg, "text")).toList();
      assertThat(texts).as("%s got every other member's message once", m).doesNotHaveDuplicates()
          .hasSize(others.size() * perMember);
      for (JsonObject msg : got) {
        assertThat(string(msg, "id")).as("the id %s got for %s", m, string(msg, "text"))
            .isEqualTo(idOfText.get(string(msg, "text")));
      }
      for (Member sender : members) {
        if (sender != m) {
          List<String> fromSender = texts.stream().filter(t -> t.startsWith(sender.name + "-")).toList();
          List<String> sent = new ArrayList<>();
          for (int i = 0; i < perMember; i++) {
            sent.add(sender.name + "-" + i);
          }
          assertThat(fromSender).as("%s's messages as %s got them", sender, m).isEqualTo(sent);
        }
      }
    }
    // Ids increase in the order every member got: so every member got the one order.
    assertIncreasingIds(members, room);
    // A joiner on any node gets that order as history.
    Member late = member(1, room, "olate");
    List<String> history = ids(late.join(room, null).getAsJsonArray("history"), roomMessage());
    List<String> all = new ArrayList<>(new java.util.TreeSet<>(idOfText.values()));
    assertThat(history).isEqualTo(all);
  }

  @Test
  void aPrivateMessageReachesTheUsersConnectionsOnTwoOtherNodes_andOneForAnOfflineUserWaitsInTheSharedStore()
      throws Exception {
    Member alice = member(0, "pm", "palice");
    Member bobOn1 = track(Member.connect(port(1), "pbob", true));
    Member bobOn2 = track(Member.connect(port(2), "pbob", true));

    JsonObject ack = alice.request("private", "\"to\":\"pbob\",\"text\":\"to both of you\"");
    assertThat(type(ack)).as("%s", ack).isEqualTo("ack");
    String id = string(ack.getAsJsonObject("message"), "id");
    for (Member bob : List.of(bobOn1, bobOn2)) {
      JsonObject got = bob.await(frame("message", "kind", "private", "id", id), Member.WAIT, "the private message");
      assertThat(string(got.getAsJsonObject("message"), "text")).isEqualTo("to both of you");
      assertThat(string(got.getAsJsonObject("message"), "sender")).isEqualTo("palice");
    }

    JsonObject kept = alice.request("private", "\"to\":\"pcarol\",\"text\":\"when you are back\"");
    assertThat(type(kept)).as("%s", kept).isEqualTo("ack");
    String keptId = string(kept.getAsJsonObject("message"), "id");
    Member carol = track(Member.connect(port(2), "pcarol", false));
    carol.join("pm-carol", null);
    List<JsonObject> frames = carol.frames();
    int message = indexOf(frames, frame("message", "id", keptId, "text", "when you are back"));
    int joined = indexOf(frames, frame("joined"));
    assertThat(message).as("the kept message in %s", frames).isGreaterThanOrEqualTo(0).isLessThan(joined);
  }

  @Test
  void receiptsReachTheSenderOnAnotherNode_andAMarkerMovedOnOneNodeIsReadOnAnother() throws Exception {
    String room = "receipts";
    Member alice = member(0, room, "ralice");
    Member bobOn1 = track(Member.connect(port(1), "rbob", true));
    Member bobOn2 = track(Member.connect(port(2), "rbob", true));

    JsonObject ack = alice.request("private", "\"to\":\"rbob\",\"text\":\"did you get it?\"");
    String id = string(ack.getAsJsonObject("message"), "id");
    JsonObject first = alice.await(frame("delivered", "messageId", id, "to", "rbob"), Member.WAIT,
        "a delivery receipt from another node");
    alice.await(f -> frame("delivered", "messageId", id).test(f) && !string(f, "connection").equals(string(first, "connection")),
        Member.WAIT, "the receipt of bob's other connection, from the third node");
    bobOn1.await(frame("message", "id", id), Member.WAIT, "the private message");

    send(bobOn1, "{\"type\":\"read\",\"from\":\"ralice\",\"through\":\"" + id + "\"}");
    JsonObject read = alice.await(frame("read", "user", "rbob", "to", "ralice", "through", id), Member.WAIT,
        "bob's read receipt, from another node");
    assertThat(read.has("room")).isFalse();
    bobOn2.await(frame("read", "user", "rbob", "through", id), Member.WAIT, "bob's read, on his connection on node 2");

    Member carol = track(Member.connect(port(1), "rcarol", true));
    carol.join(room, null);
    String said = string(alice.request("message", "\"room\":\"" + room + "\",\"text\":\"read me\"")
        .getAsJsonObject("message"), "id");
    carol.await(frame("message", "id", said), Member.WAIT, "alice's message");
    send(carol, "{\"type\":\"read\",\"room\":\"" + room + "\",\"through\":\"" + said + "\"}");
    Member carolOn2 = track(Member.connect(port(2), "rcarol", true));
    long deadline = System.nanoTime() + Member.WAIT.toNanos();
    JsonObject joined;
    for (;;) { // the marker is written to the shared store as the read is handled: until then, join again
      joined = carolOn2.join(room, null);
      if (said.equals(string(joined, "lastRead")) || System.nanoTime() > deadline) {
        break;
      }
      carolOn2.request("leave", "\"room\":\"" + room + "\"");
    }
    assertThat(string(joined, "lastRead")).as("%s", joined).isEqualTo(said);
    assertThat(joined.get("unread").getAsInt()).isZero();
  }

  @Test
  void oneNameRaceWinnerAcrossNodes_andMembersAnswerForTheCluster() throws Exception {
    String room = "race";
    List<String> winners = new ArrayList<>();
    for (int k = 0; k < 5; k++) {
      String name = "racer" + k;
      Member on0 = track(Member.connect(port(k % 3), name, false));
      Member on1 = track(Member.connect(port((k + 1) % 3), name, false));
      String join = "{\"type\":\"join\",\"id\":\"race\",\"room\":\"" + room + "\",\"username\":\"" + name + "\"}";
      CompletableFuture<Void> a = CompletableFuture.runAsync(() -> send(on0, join));
      CompletableFuture<Void> b = CompletableFuture.runAsync(() -> send(on1, join));
      CompletableFuture.allOf(a, b).join();
      List<String> outcomes = new ArrayList<>();
      for (Member m : List.of(on0, on1)) {
        JsonObject reply = m.await(f -> "race".equals(string(f, "id")), Member.WAIT, "the join's reply");
        outcomes.add("joined".equals(type(reply)) ? "joined" : string(reply, "code"));
      }
      assertThat(outcomes).as("the race for %s", name).containsExactlyInAnyOrder("joined", "USERNAME_TAKEN");
      winners.add(name);
    }
    Member asker = member(2, room, "zasker");
    List<String> expected = new ArrayList<>(winners);
    expected.add("zasker");
    JsonObject members = asker.request("members", "\"room\":\"" + room + "\"");
    assertThat(members.getAsJsonArray("members").asList().stream().map(JsonElement::getAsString).toList())
        .isEqualTo(expected);
    asker.say(room, "/who", "who");
    asker.await(frame("message", "text", "In " + room + ": " + String.join(", ", expected)), Member.WAIT,
        "the answer to /who");
  }

  @Test
  void jsonRecoveryOnAnotherNode() throws Exception {
    String room = "recover";
    Member writer = member(0, room, "rwriter");
    Member reader = member(1, room, "rreader");
    writer.request("message", "\"room\":\"" + room + "\",\"text\":\"seen\"");
    String seen = string(reader.await(frame("message", "text", "seen"), Member.WAIT, "seen").getAsJsonObject("message"), "id");
    reader.close();
    writer.await(frame("message", "text", "rreader has left"), Member.WAIT, "the reader leaving");
    List<String> missed = new ArrayList<>(); // the leave's notice is live only: not kept, not recovered
    for (int i = 0; i < 3; i++) {
      missed.add(string(writer.request("message", "\"room\":\"" + room + "\",\"text\":\"missed " + i + "\"")
          .getAsJsonObject("message"), "id"));
    }

    Member back = track(Member.connect(port(2), "rreader", false));
    JsonObject joined = joinOnceTheNameIsFree(back, room, seen);
    assertThat(joined.get("recovered").getAsBoolean()).as("%s", joined).isTrue();
    assertThat(ids(joined.getAsJsonArray("history"), m -> true)).isEqualTo(missed);
  }

  @Test
  void editsAndDeletionsReachEveryNode_andARecoveryOnAnotherNodeLearnsOfThem() throws Exception {
    String room = "edits";
    Member alice = member(0, room, "ealice");
    Member bob = member(1, room, "ebob");
    Member carol = member(2, room, "ecarol");
    String first = string(alice.request("message", "\"room\":\"" + room + "\",\"text\":\"first\"")
        .getAsJsonObject("message"), "id");
    String second = string(alice.request("message", "\"room\":\"" + room + "\",\"text\":\"second\"")
        .getAsJsonObject("message"), "id");
    bob.await(frame("message", "text", "second"), Member.WAIT, "second");
    bob.close();
    alice.await(frame("message", "text", "ebob has left"), Member.WAIT, "bob leaving");

    JsonObject edited = alice.request("edit", "\"room\":\"" + room + "\",\"message\":\"" + first
        + "\",\"text\":\"first, edited\"").getAsJsonObject("message");
    JsonObject deleted = alice.request("delete", "\"room\":\"" + room + "\",\"message\":\"" + second + "\"")
        .getAsJsonObject("message");
    assertThat(string(edited, "text")).isEqualTo("first, edited");
    assertThat(deleted.get("deleted").getAsBoolean()).isTrue();
    assertThat(carol.await(f -> "edited".equals(type(f)), Member.WAIT, "the edit on another node")
        .getAsJsonObject("message")).isEqualTo(edited);
    assertThat(carol.await(f -> "deleted".equals(type(f)), Member.WAIT, "the deletion on another node")
        .getAsJsonObject("message")).isEqualTo(deleted);
    JsonObject refused = alice.requestUnlessClosed("edit", "\"room\":\"" + room + "\",\"message\":\"" + second
        + "\",\"text\":\"back\"");
    assertThat(string(refused, "code")).as("%s", refused).isEqualTo("UNKNOWN_MESSAGE");

    Member back = track(Member.connect(port(2), "ebob", false));
    JsonObject joined = joinOnceTheNameIsFree(back, room, second);
    assertThat(joined.get("recovered").getAsBoolean()).as("%s", joined).isTrue();
    List<JsonObject> history = new ArrayList<>();
    joined.getAsJsonArray("history").forEach(e -> history.add(e.getAsJsonObject()));
    assertThat(history).as("both changes, in their order").containsExactly(edited, deleted);
  }

  @Test
  void aClearIsOrderedAmongMessagesFromOtherNodes() throws Exception {
    String room = "clear";
    List<Member> observers = List.of(member(0, room, "cobs0"), member(1, room, "cobs1"), member(2, room, "cobs2"));
    Member clearer = member(0, room, "cclearer");
    List<Member> senders = List.of(member(1, room, "csend1"), member(2, room, "csend2"));
    int perSender = 20;
    List<CompletableFuture<Void>> sending = new ArrayList<>();
    for (Member s : senders) {
      sending.add(CompletableFuture.runAsync(() -> {
        try {
          for (int i = 0; i < perSender; i++) {
            JsonObject ack = s.request("message", "\"room\":\"" + room + "\",\"text\":\"" + s.name + "-" + i + "\"");
            assertThat(type(ack)).as("%s", ack).isEqualTo("ack");
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    observers.get(0).await(frame("message", "text", "csend1-5"), Member.WAIT, "a sender's sixth message");
    clearer.client.send("{\"type\":\"clear\",\"id\":\"c\",\"room\":\"" + room + "\"}");
    CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).join();
    // A connection's requests are handled one after another, and a clear is done once its store
    // removal is durable: so once this reply is here, the store has the clear (senders' acks say
    // their messages are durable too).
    clearer.request("members", "\"room\":\"" + room + "\"");

    Set<String> senderNames = Set.of("csend1", "csend2");
    List<List<String>> views = new ArrayList<>();
    for (Member o : observers) {
      o.awaitMessages(room, roomMessageFrom(senderNames), 2 * perSender, Member.WAIT);
      o.await(frame("cleared"), Member.WAIT, "cleared");
      List<String> view = new ArrayList<>();
      for (JsonObject f : o.frames()) {
        if ("cleared".equals(type(f))) {
          view.add("CLEARED");
        } else if (frame("message", "kind", "room", "room", room).test(f)
            && senderNames.contains(string(f.getAsJsonObject("message"), "sender"))) {
          view.add(string(f.getAsJsonObject("message"), "id"));
        }
      }
      views.add(view);
    }
    assertThat(views.get(0)).containsOnlyOnce("CLEARED").hasSize(2 * perSender + 1);
    assertThat(views.get(1)).isEqualTo(views.get(0));
    assertThat(views.get(2)).isEqualTo(views.get(0));
    List<String> afterClear = views.get(0).subList(views.get(0).indexOf("CLEARED") + 1, views.get(0).size());
    List<String> beforeClear = views.get(0).subList(0, views.get(0).indexOf("CLEARED"));

    for (int node = 0; node < 3; node++) {
      Member joiner = member(node, room, "cjoin" + node);
      JsonObject joined = joiner.request("join", "\"room\":\"" + room + "\"");
      assertThat(ids(joined.getAsJsonArray("history"), roomMessageFrom(senderNames)))
          .as("history on node %s after the clear", node).isEqualTo(afterClear);
      // The store keeps exactly what was ordered after the clear, whichever node wrote it and when:
      // a message ordered before it, written late by another node, stays out too.
      assertThat(keptHistory(joiner, room, roomMessageFrom(senderNames)))
          .as("the kept history, paged back on node %s (before the clear: %s)", node, beforeClear)
          .isEqualTo(afterClear);
    }
  }

  /** The ids of a room's messages in the store, paged back from the newest with {@code before}. */
  private static List<String> keptHistory(Member m, String room, Predicate<JsonObject> match) throws Exception {
    List<String> kept = new ArrayList<>();
    String before = null;
    for (;;) {
      JsonObject page = m.request("history", "\"room\":\"" + room + "\",\"limit\":7"
          + (before == null ? "" : ",\"before\":\"" + before + "\""));
      com.google.gson.JsonArray messages = page.getAsJsonArray("messages");
      assertThat(messages).as("%s", page).isNotNull();
      if (messages.isEmpty()) {
        return kept;
      }
      kept.addAll(0, ids(messages, match));
      before = string(messages.get(0).getAsJsonObject(), "id");
    }
  }

  @Test
  void aKilledSubscriptionLosesNothing() throws Exception {
    String room = "subscription";
    Member sender = member(0, room, "ssender");
    List<Member> receivers = List.of(member(1, room, "srecv1"), member(2, room, "srecv2"));
    int count = 30;
    for (int i = 0; i < count; i++) {
      if (i == count / 2) {
        assertThat(redis.command("CLIENT", "KILL", "TYPE", "pubsub")).as("killed subscriptions").doesNotContain("ERR");
      }
      sender.request("message", "\"room\":\"" + room + "\",\"text\":\"n" + i + "\"");
    }
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sent.add("n" + i);
    }
    for (Member r : receivers) {
      r.awaitMessages(room, roomMessageFrom(Set.of("ssender")), count, Member.WAIT);
      assertThat(r.messages(room).stream().filter(roomMessage()).map(m -> string(m, "text")).toList())
          .as("what %s got", r).isEqualTo(sent);
    }
    assertIncreasingIds(receivers, room);
  }

  // ------------------------------------------------------------------ helpers

  /** A name held by a connection that just closed is free once its node released it. */
  static JsonObject joinOnceTheNameIsFree(Member m, String room, String since) throws Exception {
    long deadline = System.nanoTime() + Member.WAIT.toNanos();
    for (;;) {
      JsonObject reply = m.request("join", "\"room\":\"" + room + "\",\"username\":\"" + m.name + "\""
          + (since == null ? "" : ",\"since\":\"" + since + "\""));
      if (!"USERNAME_TAKEN".equals(string(reply, "code")) || System.nanoTime() > deadline) {
        assertThat(type(reply)).as("%s", reply).isEqualTo("joined");
        return reply;
      }
      m.find(f -> false, Duration.ofMillis(200)); // the old connection's release is on its way
    }
  }

  static List<String> ids(com.google.gson.JsonArray messages, Predicate<JsonObject> match) {
    List<String> out = new ArrayList<>();
    for (JsonElement e : messages) {
      if (match.test(e.getAsJsonObject())) {
        out.add(string(e.getAsJsonObject(), "id"));
      }
    }
    return out;
  }

  private static int indexOf(List<JsonObject> frames, Predicate<JsonObject> match) {
    for (int i = 0; i < frames.size(); i++) {
      if (match.test(frames.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private static void send(Member m, String json) {
    try {
      m.client.send(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
