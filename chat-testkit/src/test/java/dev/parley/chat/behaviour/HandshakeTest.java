package dev.parley.chat.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.Handshake;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A handshake is an immutable copy of what the client sent, and copies of it share their maps. */
class HandshakeTest {

  @Test
  void whatTheTransportPassedIsCopied_headerNamesInLowerCase() {
    List<String> agents = new ArrayList<>(List.of("curl"));
    Map<String, List<String>> headers = new HashMap<>(Map.of("User-Agent", agents, "user-agent", List.of("again")));
    Map<String, List<String>> query = new HashMap<>(Map.of("room", new ArrayList<>(List.of("lobby"))));

    Handshake handshake = new Handshake("1.2.3.4:5", "/chat", query, headers);
    agents.add("changed later");
    query.clear();

    assertThat(handshake.headers()).containsOnlyKeys("user-agent");
    assertThat(handshake.headers().get("user-agent")).containsExactlyInAnyOrder("curl", "again");
    assertThat(handshake.query("room")).contains("lobby");
  }

  @Test
  void withAuthSharesTheQueryAndHeadersInsteadOfCopyingThemAgain() {
    Handshake http = new Handshake("1.2.3.4:5", "/socket.io/", Map.of("EIO", List.of("4")),
        Map.of("Cookie", List.of("a=b")));

    Handshake withAuth = http.withAuth(Map.of("token", "t"));

    assertThat(withAuth.query()).isSameAs(http.query());
    assertThat(withAuth.headers()).isSameAs(http.headers());
    assertThat(withAuth.auth()).containsEntry("token", "t");
    assertThat(withAuth.header("cookie")).contains("a=b");
  }

  @Test
  void cookiesAreReadFromEveryCookieHeader_theFirstOfTwoWithOneNameWins() {
    Handshake handshake = new Handshake("1.2.3.4:5", "/chat", Map.of(),
        Map.of("Cookie", List.of("session=abc; theme=dark", "session=older; lang=en; =nameless")));

    assertThat(handshake.cookies()).containsExactly(
        Map.entry("session", "abc"), Map.entry("theme", "dark"), Map.entry("lang", "en"));
    assertThat(handshake.cookie("session")).contains("abc");
    assertThat(handshake.cookie("missing")).isEmpty();
    assertThat(Handshake.empty().cookies()).isEmpty();
  }
}
