package dev.parley.chat.bench;

import dev.parley.chat.ChatServer;
import dev.parley.chat.Delivery;
import java.util.concurrent.CompletionStage;
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
 * Appending to a room's in-memory history at capacity: {@link ChatServer#distributeMsg} into a room
 * whose only member is the sender (so nothing is delivered), its history already full.
 *
 * <p>With {@code historySize} 0 the room keeps no history: the difference between the two scores is
 * the append itself (drop the oldest, add the newest); the rest is building the message, its id and
 * the completed {@link CompletionStage}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HistoryAppendBench {
  private static final String ROOM = "archive";
  private static final String SENDER = "alice";

  @Param({"0", "100"})
  public int historySize;

  private ChatServer server;
  private CountingConnection connection;

  @Setup(Level.Trial)
  public void setUp() {
    server = Servers.server(historySize);
    connection = new CountingConnection();
    Servers.join(server, connection, ROOM, SENDER);
    for (int i = 0; i < historySize; i++) {
      server.distributeMsg(ROOM, SENDER, "warm-up " + i);
    }
    if (server.history(ROOM).size() != historySize) {
      throw new IllegalStateException("the history is not full");
    }
  }

  @Benchmark
  public CompletionStage<Delivery> append() {
    return server.distributeMsg(ROOM, SENDER, "Hello everyone, how is it going?");
  }

  /** The history stayed at capacity and the sender, the only member, got nothing. */
  @TearDown(Level.Trial)
  public void check() {
    if (server.history(ROOM).size() != historySize || connection.messages != 0) {
      throw new IllegalStateException("history " + server.history(ROOM).size() + ", delivered " + connection.messages);
    }
    server.close();
  }
}
