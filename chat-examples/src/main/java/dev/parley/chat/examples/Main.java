package dev.parley.chat.examples;

/**
 * Runs one of the examples: {@code java -jar chat-examples.jar [NAME] [OPTIONS]}; {@link #USAGE}
 * lists the names and options, {@link ExampleArgs} reads them. Without a name it runs the main
 * example, {@link RoomsChatExample}. {@code --help} prints the usage and exits 0; an unknown option,
 * a missing value or an unknown name prints what is wrong and the usage and exits 2. docs/examples.md
 * describes each example.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    ExampleArgs a;
    try {
      a = ExampleArgs.parse(args, System::getenv);
    } catch (ExampleArgs.BadArguments e) {
      System.err.println(e.getMessage() + "\n" + USAGE);
      System.exit(2);
      return;
    }
    if (a.help()) {
      System.out.println(USAGE);
      return;
    }
    Listen listen = a.listen();
    switch (a.name()) {
      case "main" -> RoomsChatExample.run(listen, a.historyUrl(), a.dataDir(), a.redisUrl(), a.sharedNames(),
          a.moderators());
      case "chatroom" -> ChatroomExample.run(listen);
      case "rooms" -> RoomsExample.run(listen);
      case "broadcast" -> BroadcastExample.run(listen);
      case "direct" -> {
        System.out.println("Kept messages live in " + RoomsChatExample.where(a.historyUrl(), a.dataDir()));
        DirectMessagesExample.run(listen, RoomsChatExample.history(a.historyUrl(), a.dataDir()));
      }
      case "session" -> SessionExample.run(listen);
      case "conformance" -> ConformanceExample.run(listen);
      default -> {
        System.err.println("unknown example " + a.name() + "\n" + USAGE);
        System.exit(2);
      }
    }
  }

  static final String USAGE = String.join("\n",
      "Usage: java -jar chat-examples.jar [NAME] [OPTIONS]   (docs/examples.md)",
      "Examples (NAME):",
      "  main         rooms, whispers and the browser client at / (the default)",
      "  chatroom     one room, whole room data on RetrieveChatRoomData",
      "  rooms        join room / new message / new pm, served by a ChatServer",
      "  broadcast    'chat' to every client, the sender included",
      "  direct       direct messages between CLIENT_IDs, kept for offline receivers",
      "  session      login form and session cookie; Socket.IO only for logged-in users",
      "  conformance  target for the Socket.IO conformance suite",
      "Options (each also read from the environment variable in brackets):",
      "  --port N             port to listen on, 0 for any free one (PORT; default 8080)",
      "  --host ADDRESS       address to listen on (PARLEY_HOST; default 0.0.0.0, every",
      "                       interface; 127.0.0.1 for this machine only)",
      "  --tls-cert FILE      serve HTTPS and wss:// with this PEM certificate chain",
      "  --tls-key FILE       and this unencrypted PKCS#8 PEM key (PARLEY_TLS_CERT, PARLEY_TLS_KEY)",
      "  --data-dir DIR       main, direct: history in DIR/history.db, SQLite",
      "                       (PARLEY_DATA_DIR; default ./parley-data)",
      "  --history-url URL    main, direct: history in this JDBC database instead",
      "                       (PARLEY_HISTORY_URL; its passwords are never printed)",
      "  --redis-url URL      main: one node of a cluster on this Redis, redis://HOST:PORT",
      "                       (PARLEY_REDIS_URL)",
      "  --shared-names       main: /chat?user=NAME signs in as NAME (tests, demos: unchecked)",
      "  --moderators NAMES   main: these users (alice,bob) may kick, mute and ban",
      "                       (PARLEY_MODERATORS; default none)",
      "  -h, --help           print this and exit");
}
