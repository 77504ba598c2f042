package dev.parley.chat.examples;

import java.util.Arrays;

/**
 * Runs one of the examples: {@code java -jar chat-examples.jar [NAME] [--port N]}. Without a name it
 * runs the main example, {@link RoomsChatExample}. The port comes from {@code --port}, else the
 * {@code PORT} environment variable, else 8080. docs/examples.md describes each example.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    String name = args.length > 0 && !args[0].startsWith("--") ? args[0] : "main";
    int port = port(args);
    switch (name) {
      case "main" -> RoomsChatExample.run(port);
      case "chatroom" -> ChatroomExample.run(port);
      case "rooms" -> RoomsExample.run(port);
      case "broadcast" -> BroadcastExample.run(port);
      case "direct" -> DirectMessagesExample.run(port);
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
      "  main         rooms, whispers and the browser client at / (the default)",
      "  chatroom     one room, whole room data on RetrieveChatRoomData",
      "  rooms        join room / new message / new pm, served by a ChatServer",
      "  broadcast    'chat' to every client, the sender included",
      "  direct       direct messages between CLIENT_IDs, kept for offline receivers",
      "  session      login form and session cookie; Socket.IO only for logged-in users",
      "  conformance  target for the Engine.IO and Socket.IO conformance suites");

  static int port(String[] args) {
    int i = Arrays.asList(args).indexOf("--port");
    String value = i >= 0 && i + 1 < args.length ? args[i + 1] : System.getenv("PORT");
    if (value == null || value.isBlank()) {
      return 8080;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Not a port number: " + value, e);
    }
  }
}
