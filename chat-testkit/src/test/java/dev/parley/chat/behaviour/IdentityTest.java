package dev.parley.chat.behaviour;

import dev.parley.chat.*;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.spi.ServerEvent;
import dev.parley.chat.testkit.ChatTestKit;
import dev.parley.chat.testkit.TestClient;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Usernames: claimed at join, unique, generated when absent, never taken from a message. */
class IdentityTest {
  private final ChatTestKit kit = ChatTestKit.create();

  @AfterEach
  void close() {
    kit.close();
  }

  @Test
  void aTakenUsername_isRefused() {
    kit.connect().join("lobby", "alice").take(ServerEvent.Joined.class);
    TestClient impostor = kit.connect();

    impostor.join("kitchen", "alice");

    assertThat(impostor.takeError().code()).isEqualTo(ErrorCodes.USERNAME_TAKEN);
    assertThat(kit.server().members("kitchen")).isEmpty();
  }

  @Test
  void invalidUsernames_areRefused() {
    TestClient client = kit.connect();
    for (String bad : new String[] {"", "has space", "a".repeat(33), "<script>", "@bob"}) {
      client.join("lobby", bad);
      assertThat(client.takeError().code()).as(bad).isEqualTo(ErrorCodes.INVALID_USERNAME);
    }
    client.join("lobby", "Zoë_1.x-y").take(ServerEvent.Joined.class);
  }

  @Test
  void invalidRoomNames_areRefused() {
    TestClient client = kit.connect();
    for (String bad : new String[] {"", "two words", "r".repeat(65), "a/b", "<b>"}) {
      client.join(bad, "alice");
      assertThat(client.takeError().code()).as(bad).isEqualTo(ErrorCodes.INVALID_ROOM_NAME);
    }
    client.join("team:dev#1", "alice").take(ServerEvent.Joined.class);
  }

  @Test
  void withoutAUsername_aReadableUniqueOneIsGenerated() {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      TestClient client = kit.connect();
      client.join("lobby");
      String name = client.take(ServerEvent.Joined.class).user();
      assertThat(name).matches("[A-Z][a-z]+[A-Z][a-z]+\\d*");
      assertThat(names.add(name)).as("unique: " + name).isTrue();
    }
  }

  @Test
  void nameGenerationGivesUpWhenTheNameSpaceIsFull() {
    try (ChatTestKit tiny = ChatTestKit.create(b -> b.config(ChatConfig.builder().maxUsernameLength(1).build()))) {
      TestClient first = tiny.connect().join("lobby");
      String generated = first.take(ServerEvent.Joined.class).user();
      assertThat(generated).as("no room for words: a digit").matches("\\d");
      for (char d = '0'; d <= '9'; d++) {
        if (d != generated.charAt(0)) {
          tiny.connect().join("lobby", String.valueOf(d)).take(ServerEvent.Joined.class);
        }
      }

      TestClient last = tiny.connect().join("lobby");

      assertThat(last.takeError().code()).isEqualTo(ErrorCodes.USERNAME_TAKEN);
    }
  }

  @Test
  void theFirstJoinFixesTheIdentity_laterJoinsMayOmitItButNotChangeIt() {
    TestClient alice = kit.connect();
    alice.join("lobby", "alice").take(ServerEvent.Joined.class);

    alice.join("kitchen");
    assertThat(alice.take(ServerEvent.Joined.class).user()).isEqualTo("alice");
    alice.join("garden", "mallory");
    assertThat(alice.takeError().code()).isEqualTo(ErrorCodes.USERNAME_MISMATCH);
  }

  @Test
  void joiningTwice_repeatsTheJoinedStateWithoutAnnouncingAgain() {
    TestClient alice = kit.connect();
    alice.join("lobby", "alice").take(ServerEvent.Joined.class);
    TestClient bob = kit.connect().join("lobby", "bob");
    bob.take(ServerEvent.Joined.class);
    alice.takeUntil(ServerEvent.Message.class);

    bob.join("lobby");

    assertThat(bob.take(ServerEvent.Joined.class).members()).containsExactly("alice", "bob");
    alice.assertNoMoreEvents();
  }

  @Test
  void theSenderIsAlwaysTheConnectionsIdentity() {
    TestClient alice = kit.connect().join("lobby", "alice");
    alice.take(ServerEvent.Joined.class);
    TestClient bob = kit.connect().join("lobby", "bob");
    bob.take(ServerEvent.Joined.class);
    alice.takeUntil(ServerEvent.Message.class);

    // Whatever a client puts in data, the sender field is the server's.
    bob.send("lobby", "hi", java.util.Map.of("sender", "alice", "username", "alice"));

    assertThat(alice.takeMessage().sender()).isEqualTo("bob");
  }
}
