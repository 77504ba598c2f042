package dev.parley.chat.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SettingsTest {
  @Test
  void membersGoRoundRobinOverTheMemberNodesAndIdleRoomsToTheOthers() {
    Settings s = Settings.parse("--port", "1,2,3", "--member-nodes", "2", "--idle-rooms", "4", "--rooms", "2",
        "--room-size", "5");
    int members = 10;

    assertThat(IntStream.range(0, members).map(i -> s.nodeOf(i, members))).containsExactly(0, 1, 0, 1, 0, 1, 0, 1, 0, 1);
    // The idle rooms are the connections after the members, a room of five at a time, all on node 2.
    assertThat(IntStream.range(members, members + 20).map(i -> s.nodeOf(i, members))).containsOnly(2);
  }

  @Test
  void eachIdleRoomIsOnOneNodeWhenSeveralAreLeftToThem() {
    Settings s = Settings.parse("--port", "1,2,3", "--member-nodes", "1", "--idle-rooms", "4", "--room-size", "3");
    for (int room = 0; room < 4; room++) {
      Set<Integer> nodes = new HashSet<>();
      for (int k = 0; k < 3; k++) {
        nodes.add(s.nodeOf(100 + room * 3 + k, 100));
      }
      assertThat(nodes).hasSize(1).containsAnyOf(1, 2);
    }
  }

  @Test
  void theFirstMembersOfARoomAreOnDifferentNodes() {
    Settings s = Settings.parse("--port", "1,2,3", "--room-size", "100");

    assertThat(IntStream.range(0, 3).map(k -> s.nodeOf(700 + k, 1000)).distinct().count()).isEqualTo(3);
  }

  @Test
  void refusesLayoutsThatCannotBeMade() {
    assertThatThrownBy(() -> Settings.parse("--port", "1,2", "--idle-rooms", "3"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Settings.parse("--port", "1", "--pm-pairs", "cross-node"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Settings.parse("--port", "1,2", "--pm-pairs", "other"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
