package dev.parley.chat.bench;

import dev.parley.chat.ChatServer;
import dev.parley.chat.spi.ClientRequest;
import dev.parley.chat.spi.ClientSession;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Room fan-out in chat-core: one member of a room of {@code members} sends a message (a client
 * {@code Send} request through {@link ClientSession#receive}) and the real server validates it,
 * appends it to the history, hands it to every other member's connection and acks the sender.
 *
 * <p>The score is per message; the cost per delivery is the score divided by {@code members - 1}.
 * The connections only count what they get, so this is chat-core's share of a broadcast without
 * any encoding or socket I/O.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoomFanoutBench {
  private static final String ROOM = "lobby";

  @Param({"10", "100", "1000"})
  public int members;

  private ChatServer server;
  private CountingConnection[] connections;
  private ClientSession sender;
  private ClientRequest.Send request;
  private long sent;

  @Setup(Level.Trial)
  public void setUp() {
    server = Servers.server(100);
    connections = new CountingConnection[members];
    for (int i = 0; i < members; i++) {
      connections[i] = new CountingConnection();
      ClientSession session = Servers.join(server, connections[i], ROOM, "user" + i);
      if (i == 0) {
        sender = session;
      }
    }
    request = new ClientRequest.Send(null, ROOM, "Hello everyone, how is it going?", Map.of());
  }

  @Benchmark
  public void sendToRoom() {
    sender.receive(request);
    sent++;
  }

  /** Every message reached every other member exactly once, and nobody was closed. */
  @TearDown(Level.Trial)
  public void check() {
    for (int i = 1; i < members; i++) {
      if (connections[i].messages != sent || connections[i].closed) {
        throw new IllegalStateException(
            "member " + i + " got " + connections[i].messages + " of " + sent + " messages (closed: "
                + connections[i].closed + ")");
      }
    }
    if (connections[0].messages != 0 || connections[0].closed) {
      throw new IllegalStateException("the sender got its own messages back or was closed");
    }
    server.close();
  }
}
