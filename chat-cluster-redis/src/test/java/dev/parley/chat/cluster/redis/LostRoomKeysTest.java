package dev.parley.chat.cluster.redis;

import static dev.parley.chat.cluster.redis.Nodes.get;
import static dev.parley.chat.cluster.redis.Nodes.message;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.cluster.Exclusion;
import dev.parley.chat.spi.ServerEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Redis lost some of a room's keys (evicted under {@code maxmemory}, or deleted) while the cluster's
 * id hash survived, so ids go on increasing past what was lost: a recovery from an id before the
 * loss is refused ({@code after} answers empty, the client gets {@code recovered: false} and the
 * room's history), never answered with what is left, which would leave out what was lost.
 */
class LostRoomKeysTest extends RedisTest {
  private static final String ROOM = "r";
  private RedisClusterEngine engine;

  private List<ChatMessage> send(String... texts) throws Exception {
    if (engine == null) {
      engine = nodes.start(new RecordingNode());
    }
    List<ChatMessage> sent = new java.util.ArrayList<>();
    for (String text : texts) {
      sent.add(((ServerEvent.Message) get(engine.publish(ROOM, message(ROOM, "u", text), Exclusion.none()))).message());
    }
    return sent;
  }

  private void lose(String... parts) throws Exception {
    for (String part : parts) {
      assertThat(redis.command("DEL", "parley:room:" + ROOM + ":" + part).trim()).as("deleted " + part).isEqualTo(":1");
    }
  }

  @Test
  void everyKeyOfTheRoomLost_noRecoveryFromBefore_evenWithNothingNewInTheLog() throws Exception {
    List<ChatMessage> m = send("m0", "m1", "m2");
    lose("meta", "log", "msgs");
    assertThat(get(engine.after(ROOM, m.get(0).id(), 10))).as("m1 and m2 are lost").isEmpty();
    assertThat(get(engine.after(ROOM, m.get(2).id(), 10))).as("nothing says the room is the one it saw").isEmpty();
  }

  @Test
  void everyKeyOfTheRoomLost_thenNewMessages_theNewEpochAnswersOnlyFromItsBirth() throws Exception {
    List<ChatMessage> m = send("m0", "m1", "m2");
    lose("meta", "log", "msgs");
    List<ChatMessage> later = send("m3", "m4");
    assertThat(get(engine.after(ROOM, m.get(0).id(), 10))).as("not [m3, m4]: m1 and m2 are lost").isEmpty();
    assertThat(get(engine.after(ROOM, m.get(2).id(), 10))).as("older than the room's new epoch").isEmpty();
    assertThat(get(engine.after(ROOM, later.get(0).id(), 10))).contains(later.subList(1, 2));
  }

  @Test
  void theLogLostAlone_noRecoveryFromBeforeItsNewestMessage() throws Exception {
    List<ChatMessage> m = send("m0", "m1", "m2");
    lose("log");
    assertThat(get(engine.after(ROOM, m.get(0).id(), 10))).as("the log no longer holds m1 and m2").isEmpty();
    assertThat(get(engine.after(ROOM, m.get(2).id(), 10))).as("it saw everything").contains(List.of());
    List<ChatMessage> later = send("m3");
    assertThat(get(engine.after(ROOM, m.get(0).id(), 10))).as("not [m3]").isEmpty();
    assertThat(get(engine.after(ROOM, m.get(2).id(), 10))).contains(later);
  }

  @Test
  void theTrimListLost_thenTheLogCapped_noRecoveryFromWhatTheCapDropped() throws Exception {
    List<ChatMessage> m = send("m0", "m1", "m2");
    lose("msgs");
    // Past the cap of 4 x 50 + 100 entries the stream drops its oldest entries, m0 to m2 with them,
    // which the lost list can no longer record in the floor.
    for (int i = 0; i < 400; i++) {
      get(engine.publish(ROOM, new ServerEvent.Presence(ROOM, "u" + i, i % 2 == 0), Exclusion.none()));
    }
    List<ChatMessage> later = send("m3");
    assertThat(get(engine.after(ROOM, m.get(0).id(), 10))).as("not [m3]: m1 and m2 were dropped").isEmpty();
    assertThat(get(engine.after(ROOM, m.get(2).id(), 10))).contains(later);
  }

  @Test
  void aClearIsNoLoss_whatWentBeforeItIsGoneNotMissed() throws Exception {
    List<ChatMessage> m = send("m0", "m1");
    get(engine.publish(ROOM, new ServerEvent.HistoryCleared(ROOM, "admin", null), Exclusion.none()));
    assertThat(get(engine.after(ROOM, m.get(0).id(), 10))).contains(List.of());
    List<ChatMessage> later = send("m2", "m3");
    assertThat(get(engine.after(ROOM, m.get(0).id(), 10))).contains(later);
    assertThat(get(engine.after(ROOM, later.get(0).id(), 10))).contains(later.subList(1, 2));
  }
}
