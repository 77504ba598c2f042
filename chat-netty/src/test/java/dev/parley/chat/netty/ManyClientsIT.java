package dev.parley.chat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.parley.chat.ChatConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Many clients in several rooms at once: everyone gets exactly their room's messages. */
class ManyClientsIT {

  @Test
  void everyClientReceivesEveryMessageOfItsRoomAndNoOther() {
    int rooms = 4;
    int perRoom = 25;
    try (TestServer server = new TestServer(
        b -> b.config(ChatConfig.builder().announcePresence(false).historySize(0).build()), n -> {})) {
      List<WsClient> clients = new ArrayList<>();
      try {
        for (int r = 0; r < rooms; r++) {
          for (int i = 0; i < perRoom; i++) {
            clients.add(WsClient.joined(server.port(), "room" + r, "u" + r + "_" + i));
          }
        }
        await(() -> server.chat.members("room" + (rooms - 1)).size() == perRoom);
        for (WsClient c : clients) {
          c.send("{\"type\":\"message\",\"room\":\"" + roomOf(clients.indexOf(c), perRoom) + "\",\"text\":\"hi\"}");
        }
        for (int idx = 0; idx < clients.size(); idx++) {
          WsClient c = clients.get(idx);
          Map<String, Integer> senders = new HashMap<>();
          int expected = perRoom - 1;
          int got = 0;
          while (got < expected) {
            JsonObject f = c.next();
            if (f.get("type").getAsString().equals("message")) {
              JsonObject m = f.getAsJsonObject("message");
              assertThat(m.get("room").getAsString()).isEqualTo(roomOf(idx, perRoom));
              senders.merge(m.get("sender").getAsString(), 1, Integer::sum);
              got++;
            }
          }
          assertThat(senders).hasSize(expected).allSatisfy((s, n) -> assertThat(n).isEqualTo(1));
        }
      } finally {
        clients.forEach(WsClient::close);
      }
    }
  }

  private static String roomOf(int index, int perRoom) {
    return "room" + (index / perRoom);
  }

  private static void await(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + WsClient.TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out");
      }
      Thread.yield();
    }
  }
}
