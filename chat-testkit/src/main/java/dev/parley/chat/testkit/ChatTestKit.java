package dev.parley.chat.testkit;

import dev.parley.chat.ChatServer;
import dev.parley.chat.Handshake;
import dev.parley.chat.spi.ServerEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * A real {@link ChatServer} on an in-memory transport, for testing hooks and server logic without
 * sockets. Requests are handled on the calling thread (a direct hook executor) and time stands still
 * unless the test moves {@link #clock()}.
 *
 * <pre>{@code
 * try (ChatTestKit kit = ChatTestKit.create(b -> b.onMessage(new ProfanityFilter()))) {
 *   TestClient alice = kit.joined("lobby", "alice");
 *   TestClient bob = kit.joined("lobby", "bob");
 *
 *   alice.send("lobby", "darn it");
 *
 *   assertThat(bob.takeMessage().text()).isEqualTo("**** it");
 * }
 * }</pre>
 *
 * <p>Threading: requests and hooks run on the thread that sends the request. Lifecycle: {@link
 * #create} starts the server; {@link #close()} closes it, which closes its clients' connections.
 */
public final class ChatTestKit implements AutoCloseable {
  /** How long {@code take...} methods wait for an event before failing. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private final ChatServer server;
  private final ManualClock clock;

  private ChatTestKit(ChatServer server, ManualClock clock) {
    this.server = server;
    this.clock = clock;
  }

  /** A kit around a server with no hooks. */
  public static ChatTestKit create() {
    return create(b -> {});
  }

  /**
   * A kit around a server set up by {@code setup}. The kit first sets a {@link ManualClock} and a
   * direct hook executor; {@code setup} may replace them.
   */
  public static ChatTestKit create(Consumer<ChatServer.Builder> setup) {
    ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    ChatServer.Builder builder = ChatServer.builder().clock(clock).hookExecutor(Runnable::run);
    setup.accept(builder);
    return new ChatTestKit(builder.build(), clock);
  }

  /** The server under test, for calling its actions and queries. */
  public ChatServer server() {
    return server;
  }

  /** The server's clock (unless {@code setup} replaced it). */
  public ManualClock clock() {
    return clock;
  }

  /**
   * Connects a client with an empty handshake and waits for the server to accept it.
   *
   * @throws AssertionError if the server refused the connection
   */
  public TestClient connect() {
    return connect(Handshake.empty());
  }

  /**
   * Connects a client with this handshake and waits for the server to accept it; the welcome is
   * consumed.
   *
   * @throws AssertionError if the server refused the connection
   */
  public TestClient connect(Handshake handshake) {
    TestClient client = open(handshake);
    ServerEvent first = client.takeEvent();
    if (!(first instanceof ServerEvent.Welcome welcome)) {
      throw new AssertionError("expected the connection to be accepted, but got " + first);
    }
    client.welcomed(welcome);
    return client;
  }

  /**
   * Connects a client, joins it to a room as a user, and takes the {@code joined} reply: the client
   * is in the room with nothing of its own waiting. What the room's other members are sent meanwhile
   * (presence, the join notice) stays in their queues for the test to take.
   *
   * @param room the room
   * @param username the user
   * @return the client, joined
   * @throws AssertionError if the connection is refused or the join is answered with anything else
   */
  public TestClient joined(String room, String username) {
    TestClient client = connect().join(room, username);
    client.take(ServerEvent.Joined.class);
    return client;
  }

  /**
   * Connects a client without waiting for anything: every event, the welcome or the refusal
   * included, is left for the test to take.
   */
  public TestClient open(Handshake handshake) {
    return new TestClient(server, handshake);
  }

  /** Closes the server. */
  @Override
  public void close() {
    server.close();
  }
}
