package dev.parley.chat.examples;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Runs one of the examples: {@code java -jar chat-examples.jar [NAME] [--port N]}. Without a name it
 * runs the main example, {@link RoomsChatExample}. The port comes from {@code --port}, else the
 * {@code PORT} environment variable, else 8080. The main example keeps its history in {@code
 * --data-dir} ({@code PARLEY_DATA_DIR}, default {@code ./parley-data}), or in the database at {@code
 * --history-url} ({@code PARLEY_HISTORY_URL}); so does the direct example, for the messages it
 * keeps. With {@code --redis-url} ({@code PARLEY_REDIS_URL}) the main example is one node of a chat
 * that every example started with the same Redis belongs to (docs/cluster.md). docs/examples.md
 * describes each example.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    String name = args.length > 0 && !args[0].startsWith("--") ? args[0] : "main";
    int port = port(args);
    String historyUrl = option(args, "--history-url", "PARLEY_HISTORY_URL");
    String dataDirOption = option(args, "--data-dir", "PARLEY_DATA_DIR");
    String redisUrl = option(args, "--redis-url", "PARLEY_REDIS_URL");
    boolean sharedNames = Arrays.asList(args).contains("--shared-names");
    Path dataDir = dataDirOption == null ? RoomsChatExample.DEFAULT_DATA_DIR : Path.of(dataDirOption);
    switch (name) {
      case "main" -> RoomsChatExample.run(port, historyUrl, dataDir, redisUrl, sharedNames);
      case "chatroom" -> ChatroomExample.run(port);
      case "rooms" -> RoomsExample.run(port);
      case "broadcast" -> BroadcastExample.run(port);
      case "direct" -> {
        System.out.println("Kept messages live in " + RoomsChatExample.where(historyUrl, dataDir));
        DirectMessagesExample.run(port, RoomsChatExample.history(historyUrl, dataDir));
      }
      case "session" -> SessionExample.run(port);
      case "conformance" -> ConformanceExample.run(port);
      default -> {
        System.err.println("Unknown example '" + name + "'.\n" + USAGE);
        System.exit(2);
      }
    }
  }

  static final String USAGE = String.join("\n",
      "Usage: java -jar chat-examples.jar [NAME] [--port N]   (docs/examples.md)",
      "  main         rooms, whispers and the browser client at / (the default); history in",
      "               --data-dir DIR (default ./parley-data) or --history-url JDBC_URL;",
      "               --redis-url redis://HOST:PORT makes it one node of a cluster;",
      "               --shared-names lets /chat?user=NAME sign in as NAME (tests, demos: unchecked)",
      "  chatroom     one room, whole room data on RetrieveChatRoomData",
      "  rooms        join room / new message / new pm, served by a ChatServer",
      "  broadcast    'chat' to every client, the sender included",
      "  direct       direct messages between CLIENT_IDs, kept for offline receivers (same",
      "               --data-dir / --history-url as main)",
      "  session      login form and session cookie; Socket.IO only for logged-in users",
      "  conformance  target for the Engine.IO and Socket.IO conformance suites");

  /** The value after {@code flag}, else the environment variable, else {@code null}. */
  static String option(String[] args, String flag, String variable) {
    int i = Arrays.asList(args).indexOf(flag);
    String value = i >= 0 && i + 1 < args.length ? args[i + 1] : System.getenv(variable);
    return value == null || value.isBlank() ? null : value.trim();
  }

  static int port(String[] args) {
    String value = option(args, "--port", "PORT");
    if (value == null) {
      return 8080;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Not a port number: " + value, e);
    }
  }
}
