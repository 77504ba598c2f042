package dev.parley.chat.examples;

import java.util.Arrays;

/**
 * Runs one of the examples: {@code java -jar chat-examples.jar [NAME] [--port N]}. Without a name it
 * runs {@link RoomsChatExample}. The port comes from {@code --port}, else the {@code PORT} environment
 * variable, else 8080.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    String name = args.length > 0 && !args[0].startsWith("--") ? args[0] : "rooms";
    int port = port(args);
    switch (name) {
      case "rooms" -> RoomsChatExample.run(port);
      case "conformance" -> ConformanceExample.run(port);
      default -> {
        System.err.println("Unknown example '" + name + "'. Available: rooms, conformance");
        System.exit(2);
      }
    }
  }

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
