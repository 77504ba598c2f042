package dev.parley.chat.netty.internal.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionStateTest {

  private static SessionState roundTrip(SessionState state) {
    return SessionState.decode(state.encode());
  }

  @Test
  void everyFieldComesBack_roomsInJoinOrder() {
    Map<String, String> floors = new LinkedHashMap<>();
    floors.put("zebra", "01HZX3J5K8N2P");
    floors.put("ünïcode ✓", null); // joined while its history was empty
    floors.put("alpha", "01HZX3J5K8N2Q");
    long[] own = {Long.MAX_VALUE, 1, 42};

    SessionState back = roundTrip(new SessionState("sid", "pid", "amy", "c-1", floors, "zebra", own));

    assertThat(back.sid()).isEqualTo("sid");
    assertThat(back.pid()).isEqualTo("pid");
    assertThat(back.user()).isEqualTo("amy");
    assertThat(back.connectionId()).isEqualTo("c-1");
    assertThat(back.lastRoom()).isEqualTo("zebra");
    assertThat(back.rooms()).containsExactly("zebra", "ünïcode ✓", "alpha");
    assertThat(back.floors()).containsExactlyEntriesOf(floors);
    assertThat(back.ownIds()).containsExactly(own);
  }

  @Test
  void aSocketWithNoNameNoRoomAndNothingSent() {
    SessionState back = roundTrip(new SessionState("s", "p", null, null, Map.of(), null, new long[0]));

    assertThat(back.user()).isNull();
    assertThat(back.connectionId()).isNull();
    assertThat(back.lastRoom()).isNull();
    assertThat(back.rooms()).isEmpty();
    assertThat(back.ownIds()).isEmpty();
  }

  @Test
  void compact_andLongNamesStillFit() {
    Map<String, String> floors = Map.of("lobby", "01HZX3J5K8N2P");
    byte[] small = new SessionState("abcdefghijklmnopqrst", "abcdefghijklmnopqrst", "amy", "c-1", floors, "lobby",
        new long[] {1, 2}).encode();
    // version, two ids, user, last room, one room with its floor, two ids: no field names, no padding.
    assertThat(small.length).isLessThan(120);

    String longRoom = "r".repeat(70_000);
    SessionState back = roundTrip(new SessionState("s", "p", "amy", "c-1", Map.of(longRoom, "01HZX3J5K8N2P"), longRoom,
        new long[0]));
    assertThat(back.lastRoom()).isEqualTo(longRoom);
    assertThat(back.rooms()).containsExactly(longRoom);
  }

  @Test
  void bytesOfAnotherFormAreRefused() {
    byte[] good = new SessionState("s", "p", "amy", "c-1", Map.of("lobby", "01HZX3J5K8N2P"), null, new long[] {7}).encode();

    assertThatThrownBy(() -> SessionState.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SessionState.decode(Arrays.copyOf(good, good.length - 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SessionState.decode(Arrays.copyOf(good, good.length + 1)))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] otherVersion = good.clone();
    otherVersion[0] = 9;
    assertThatThrownBy(() -> SessionState.decode(otherVersion)).isInstanceOf(IllegalArgumentException.class);
    byte[] hugeCount = good.clone();
    hugeCount[hugeCount.length - 12] = 0x7f; // the count of own ids
    assertThatThrownBy(() -> SessionState.decode(hugeCount)).isInstanceOf(IllegalArgumentException.class);
  }
}
