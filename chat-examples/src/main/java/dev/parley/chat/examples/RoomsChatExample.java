package dev.parley.chat.examples;

import dev.parley.chat.ChatMessage;
import dev.parley.chat.ChatConfig;
import dev.parley.chat.ChatServer;
import dev.parley.chat.ConnectDecision;
import dev.parley.chat.ClearHistoryDecision;
import dev.parley.chat.Decision;
import dev.parley.chat.ErrorCodes;
import dev.parley.chat.MessageDecision;
import dev.parley.chat.MessageKind;
import dev.parley.chat.cluster.ClusterEngine;
import dev.parley.chat.cluster.redis.RedisClusterConfig;
import dev.parley.chat.cluster.redis.RedisClusterEngine;
import dev.parley.chat.history.HistoryStore;
import dev.parley.chat.netty.HttpRoute;
import dev.parley.chat.netty.NettyChatServer;
import dev.parley.chat.store.jdbc.JdbcHistoryStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms chat server: people join rooms, talk to the room, and whisper with {@code @name}. The
 * browser client is served at {@code /}.
 *
 * <p>The server already distributes room messages to everyone but the sender, delivers private
 * messages, and announces "X has joined"; the hooks here add a greeting and a {@code /who} command
 * and log what goes where. Private messages to someone offline are kept for their next join, anyone
 * in a room may clear its history, and {@code /chat?user=NAME} signs a connection in as NAME, a name
 * every connection that asks for it shares (one person in several tabs). The users named by {@code
 * --moderators alice,bob} may kick, mute and ban in every room, through the moderation hook, which
 * refuses everyone else; {@code GET /moderators} lists them for the browser client.
 *
 * <p>Room history is kept in an SQLite file, {@code
 * parley-data/history.db} under the working directory, so it survives a restart; {@code --data-dir
 * DIR} (or {@code PARLEY_DATA_DIR}) moves it, and {@code --history-url URL} (or {@code
 * PARLEY_HISTORY_URL}) keeps it in another database instead, such as {@code
 * jdbc:postgresql://127.0.0.1:5432/test?user=postgres}. A message is acknowledged to its sender only
 * once committed there (the default {@code ackTiming}, ON_COMMIT), so a crash loses no
 * acknowledged message.
 *
 * <p>{@code GET /metrics} serves the server's meters in Prometheus text, {@code GET /health} its
 * readiness (200 when UP, else 503), see {@link OpsRoutes}.
 *
 * <p>With {@code --redis-url redis://HOST:PORT} (or {@code PARLEY_REDIS_URL}) the server is one node
 * of a cluster: every example started with the same Redis serves the same rooms, users and recent
 * history, over both protocols. Give them the same {@code --history-url} too, so that older history
 * is shared as well.
 */
public final class RoomsChatExample {
  private static final Logger log = LoggerFactory.getLogger(RoomsChatExample.class);

  private RoomsChatExample() {}

  /** The data directory when neither {@code --data-dir} nor {@code --history-url} says otherwise. */
  static final Path DEFAULT_DATA_DIR = Path.of("parley-data");

  static void run(Listen listen, String historyUrl, Path dataDir, String redisUrl, boolean sharedNames,
      Set<String> moderators) throws InterruptedException {
    ClusterEngine cluster = redisUrl == null ? null : RedisClusterEngine.create(RedisClusterConfig.builder(redisUrl).build());
    Running running = start(listen, history(historyUrl, dataDir), cluster, sharedNames, moderators);
    System.out.println("History is kept in " + where(historyUrl, dataDir));
    if (cluster != null) {
      System.out.println("This is node " + cluster.nodeId() + " of the cluster on " + Redacted.url(redisUrl));
    }
    System.out.println("Parley chat is running: open " + listen.url(running.server().port()) + " (Ctrl+C stops it)");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.stop();
      stopped.countDown();
    }, "parley-shutdown"));
    stopped.await();
  }

  /** A started example: the chat server and its network server. */
  record Running(ChatServer chat, NettyChatServer server) {
    void stop() {
      server.stop().toCompletableFuture().join();
      chat.close();
    }
  }

  /** Starts the example alone, with its history in an SQLite file in {@code dataDir}, without moderators. */
  static Running start(int port, Path dataDir) {
    return start(port, dataDir, Set.of());
  }

  /** Starts the example alone, with its history in an SQLite file in {@code dataDir}. */
  static Running start(int port, Path dataDir, Set<String> moderators) {
    return start(Listen.port(port), history(null, dataDir), null, false, moderators);
  }

  static JdbcHistoryStore history(String historyUrl, Path dataDir) {
    JdbcHistoryStore.Builder store = JdbcHistoryStore.builder();
    return historyUrl != null ? store.url(historyUrl).build() : store.file(dataFile(dataDir)).build();
  }

  /** Where the history is, to print: the data file, or the database URL without its secrets. */
  static String where(String historyUrl, Path dataDir) {
    return historyUrl != null ? Redacted.url(historyUrl) : dataFile(dataDir).toAbsolutePath().toString();
  }

  private static Path dataFile(Path dataDir) {
    return dataDir.resolve("history.db");
  }

  /**
   * Starts the example with this history store and cluster engine ({@code null}: this process
   * alone), which {@link Running#stop()} closes.
   *
   * @param sharedNames whether {@code /chat?user=NAME} signs a connection in as NAME, a name every
   *     connection that asks for it shares (one person in several tabs, or on several nodes of a
   *     cluster). Nothing checks who asks, so anyone may then speak as anyone: for tests and
   *     demos only, off unless {@code --shared-names} is given.
   * @param moderators the users whose requests to kick, mute and ban (and to lift a mute or a ban)
   *     the moderation hook allows, in every room; everyone else's are refused with {@code
   *     FORBIDDEN}. {@code GET /moderators} lists them, so that the browser client shows its
   *     moderator actions to them only.
   */
  static Running start(Listen listen, HistoryStore history, ClusterEngine cluster, boolean sharedNames,
      Set<String> moderators) {
    Set<String> mods = Set.copyOf(moderators);
    OpsRoutes ops = new OpsRoutes(); // GET /metrics and GET /health
    ChatServer.Builder builder = ChatServer.builder().metrics(ops.metrics());
    if (cluster != null) {
      builder.cluster(cluster);
    }
    if (sharedNames) {
      builder.onConnect(handshake -> handshake.query("user")
          .map(ConnectDecision::acceptAs)
          .orElseGet(ConnectDecision::accept));
    }
    ChatServer chat = builder
        // No ackTiming: the default, ON_COMMIT, acknowledges after the commit. Private messages to
        // someone offline are kept until they next join.
        .config(ChatConfig.builder().offlineMessages(true).roomReadReceipts(true).build())
        .historyStore(history)
        .onJoin(join -> {
          log.info("{} joined {}", join.user(), join.room());
          join.reply("Welcome to " + join.room() + ", " + join.user()
              + ". Write @name to whisper, /who to see who is here.");
          return Decision.accept(); // the room is told "<user> has joined"
        })
        .onMessage(ctx -> {
          ChatMessage msg = ctx.message();
          if (msg.kind() == MessageKind.ROOM && msg.text().trim().equals("/who")) {
            ctx.reply("In " + msg.room() + ": " + String.join(", ", ctx.server().members(msg.room())));
            return MessageDecision.handled();
          }
          if (msg.kind() == MessageKind.PRIVATE) {
            log.info("private message {} -> {}", msg.sender(), msg.recipient());
          }
          // Room messages go to the room except the sender; private ones to the recipient only.
          return MessageDecision.accept();
        })
        .onModerate(request -> {
          // Who is a moderator is the application's decision: here, the names given on the command line.
          if (!mods.contains(request.user())) {
            return Decision.reject(ErrorCodes.FORBIDDEN, "Only moderators may kick, mute or ban on this server");
          }
          log.info("{} asks to {} {} in {}", request.user(), request.action(), request.target(), request.room());
          return Decision.accept();
        })
        .onClearHistory(clear -> {
          // Anyone in a room may empty its history: this is a demo, not a moderated chat.
          log.info("{} cleared {}", clear.user(), clear.room());
          return ClearHistoryDecision.accept();
        })
        .build();

    String moderatorsJson = moderatorsJson(moderators);
    NettyChatServer server = ops.addTo(NettyChatServer.builder(listen.config().staticResources("web").build()))
        .chat(chat)
        .httpRoute("/moderators", request -> new HttpRoute.Response(200,
            Map.of("content-type", List.of("application/json"), "cache-control", List.of("no-store")),
            moderatorsJson.getBytes(StandardCharsets.UTF_8)))
        .build();
    ops.serving(server);
    server.start().toCompletableFuture().join();
    return new Running(chat, server);
  }

  /** {"moderators":["alice","bob"]}, in the order given: what {@code GET /moderators} answers. */
  static String moderatorsJson(Set<String> moderators) {
    StringBuilder out = new StringBuilder("{\"moderators\":[");
    String comma = "";
    for (String name : moderators) {
      out.append(comma);
      OpsRoutes.string(out, name);
      comma = ",";
    }
    return out.append("]}").toString();
  }
}
